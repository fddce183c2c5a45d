/**
 * Hybrid search on a real retrieval task (the set of retrieval-build.ts, embedded by
 * retrieval-set.ts): recall@10 and MRR@10 of vector search alone, text search alone and both fused,
 * for the gloss queries (paraphrases: meaning wins), the named queries (the word itself: keywords
 * win) and all of them together, with each mode's p50 latency measured query by query in turn
 * (vector, text, hybrid for each query, so that drift hits all three alike) and its ratio to the
 * vector query's. PGlite always; a server too when VECS_BENCH_DATABASE_URL is set.
 *
 * npx tsx bench/hybrid.ts [--documents 20000] [--queries 1000] [--seed 1]
 */
import { parseArgs } from 'node:util'
import { createClient, type Client } from '../src/index.js'
import { DEFAULT_SIZE, QUERY_KINDS } from './retrieval-build.js'
import { DIMENSION, readEmbeddedSet, type EmbeddedSet } from './retrieval-cache.js'
import { median } from './data.js'
import { log, round, saveReport, type ReportRow } from './report.js'

const MODES = ['vector', 'text', 'hybrid'] as const
type Mode = (typeof MODES)[number]
const LIMIT = 10
const SCHEMA = 'vecs_bench_hybrid'

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: String(DEFAULT_SIZE.documents) },
    queries: { type: 'string', default: String(DEFAULT_SIZE.queries) },
    seed: { type: 'string', default: String(DEFAULT_SIZE.seed) },
  },
})
const size = {
  documents: Number(values.documents),
  queries: Number(values.queries),
  seed: Number(values.seed),
}
const set = readEmbeddedSet(size)
if (set === null) {
  console.error(
    `the retrieval set of ${size.documents} documents is not embedded yet: run npx tsx bench/retrieval-set.ts --documents ${size.documents} --queries ${size.queries} (after npm run bench:data)`,
  )
  process.exit(1)
}

const rows: ReportRow[] = []
const targets: [string, () => Promise<Client>][] = [['pglite', () => createClient()]]
const url = process.env.VECS_BENCH_DATABASE_URL
if (url) targets.push(['postgres', () => createClient(url, { schema: SCHEMA })])
for (const [backend, open] of targets) {
  const vx = await open()
  try {
    rows.push(...(await measure(backend, vx, set)))
  } finally {
    await vx.disconnect()
  }
}
saveReport('hybrid', rows)

/** One backend: load, index, then every query in every mode, in turn. */
async function measure(backend: string, vx: Client, set: EmbeddedSet): Promise<ReportRow[]> {
  const name = `retrieval_${set.documents.length}`
  await vx.deleteCollection(name)
  const docs = await vx.getOrCreateCollection(name, { dimension: DIMENSION })
  const vectorOf = (row: number) => set.vectors.subarray(row * DIMENSION, (row + 1) * DIMENSION)
  let started = performance.now()
  await docs.upsert(set.documents.map((d, i) => [d.id, vectorOf(i), { text: d.text }]))
  log(`${backend}: loaded ${set.documents.length} documents in ${seconds(started)} s`)
  started = performance.now()
  await docs.createIndex({ method: 'hnsw', measure: 'cosine_distance' })
  log(`${backend}: HNSW index (tuned to 0.95) in ${seconds(started)} s`)
  started = performance.now()
  await docs.createTextIndex({ key: 'text', language: 'english' })
  log(`${backend}: text index in ${seconds(started)} s`)

  const ranks: Record<Mode, (number | null)[]> = { vector: [], text: [], hybrid: [] }
  const ms: Record<Mode, number[]> = { vector: [], text: [], hybrid: [] }
  const offset = set.documents.length
  const run = async (mode: Mode, data: Float32Array, text: string) => {
    const options = mode === 'vector' ? { data } : mode === 'text' ? { text } : { data, text }
    const start = performance.now()
    const ids = await docs.query({ ...options, limit: LIMIT })
    return { ids, ms: performance.now() - start }
  }
  // A warm-up pass, untimed, then the measured one.
  for (const [j, q] of set.queries.slice(0, 50).entries())
    for (const mode of MODES) await run(mode, vectorOf(offset + j), q.text)
  for (const [j, q] of set.queries.entries()) {
    for (const mode of MODES) {
      const { ids, ms: took } = await run(mode, vectorOf(offset + j), q.text)
      const at = ids.indexOf(q.answer)
      ranks[mode].push(at === -1 ? null : at + 1)
      ms[mode].push(took)
    }
    if ((j + 1) % 200 === 0) log(`${backend}: ${j + 1}/${set.queries.length} queries`)
  }
  await vx.deleteCollection(name)

  const out: ReportRow[] = []
  const vectorP50 = median(ms.vector)
  for (const kind of [...QUERY_KINDS, 'all'] as const) {
    const picked = set.queries.flatMap((q, j) => (kind === 'all' || q.kind === kind ? [j] : []))
    for (const mode of MODES) {
      const found = picked.map((j) => ranks[mode][j] ?? null)
      const p50 = median(picked.map((j) => ms[mode][j]!))
      out.push({
        backend,
        documents: set.documents.length,
        queries: kind,
        mode,
        'recall@10': round(found.filter((r) => r !== null).length / found.length),
        'MRR@10': round(
          found.reduce<number>((sum, r) => sum + (r === null ? 0 : 1 / r), 0) / found.length,
        ),
        'p50 ms': round(p50, 2),
        'p50 ÷ vector (all)': round(median(picked.map((j) => ms[mode][j]!)) / vectorP50, 2),
      })
    }
  }
  return out
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1)
}
