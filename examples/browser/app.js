// vecs in a browser: PGlite with pgvector in the page, in memory and in IndexedDB.
// index.html runs demo() and shows what it returns; test/browser.test.ts runs it in headless Chromium.
import { createClient } from 'vecs'

/**
 * `count` random unit vectors, each with a colour in its metadata.
 * @param {number} count
 * @param {number} dimension
 * @returns {[string, number[], { colour: string, i: number }][]}
 */
function records(count, dimension) {
  const colours = ['red', 'green', 'blue']
  return Array.from({ length: count }, (_, i) => {
    const vector = Array.from({ length: dimension }, () => Math.random() - 0.5)
    const norm = Math.hypot(...vector)
    return [`v${i}`, vector.map((x) => x / norm), { colour: colours[i % 3] ?? 'red', i }]
  })
}

/** @param {(line: string) => void} log */
export async function demo(log = () => {}) {
  const rows = records(2000, 64)
  const started = performance.now()

  // In memory: gone when the page closes.
  const vx = await createClient()
  const docs = await vx.getOrCreateCollection('docs', { dimension: 64 })
  await docs.upsert(rows)
  log(`upserted ${rows.length} records`)
  await docs.createIndex({ method: 'hnsw', measure: 'cosine_distance' })
  const indexMethod = (await docs.getIndex())?.method
  log(`built an ${indexMethod} index`)
  const probe = /** @type {[string, number[], { colour: string, i: number }]} */ (rows[42])
  const nearest = await docs.query({
    data: probe[1],
    limit: 5,
    filters: { colour: { $eq: probe[2].colour } },
    includeSimilarity: true,
    includeMetadata: true,
  })
  log(`nearest to ${probe[0]}: ${nearest.map((r) => r.id).join(', ')}`)
  const count = await docs.count({ filters: { colour: { $eq: 'red' } } })
  await vx.disconnect()

  // In IndexedDB: still there when the page is opened again.
  const kept = await createClient('idb://vecs-example')
  const notes = await kept.getOrCreateCollection('notes', { dimension: 64 })
  await notes.upsert(rows.slice(0, 100))
  await kept.disconnect()
  const reopened = await createClient('idb://vecs-example')
  const again = await reopened.getCollection('notes')
  const keptCount = await again.count()
  const fetched = await again.fetch(['v7'])
  await reopened.disconnect()
  log(`IndexedDB kept ${keptCount} records`)

  return {
    probe: probe[0],
    indexMethod,
    nearest,
    redCount: count,
    keptCount,
    keptFirst: fetched[0]?.id ?? null,
    ms: Math.round(performance.now() - started),
  }
}
