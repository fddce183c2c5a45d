/**
 * After an upsert replaces rows, their old versions stay in the vector index until VACUUM (which
 * PGlite never runs by itself); a scan that meets only those returns short pages, or none. vecs
 * must still return `limit` rows whenever that many exist, with or without a filter, and those
 * pages must be the right ones: measured against exact search on the live rows (GloVe-100, 2000
 * words, 1000 of them replaced by other words' vectors, queried at their old vectors).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Collection, Filter } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { exactNearest } from './support/data.js'
import { loadGlove } from './support/glove.js'

const { vectors } = loadGlove(3000)
const STORED = 2000
const REPLACED = 1000
const K = 10
const original = vectors.slice(0, STORED)
/** What the collection holds after the replacement: v0…v999 carry the vectors of words 2000…2999. */
const live = original.map((v, i) => (i < REPLACED ? (vectors[STORED + i] as number[]) : v))
const queries = original.slice(0, 200)

describeEachBackend('queries after rows are replaced', (b) => {
  async function replacedCollection(method: 'hnsw' | 'ivfflat'): Promise<Collection> {
    const c = await b.client.getOrCreateCollection(b.uniqueName('replaced'), { dimension: 100 })
    await c.upsert(original.map((v, i) => [`v${i}`, v, { i }]))
    await c.createIndex({ method })
    await c.upsert(live.slice(0, REPLACED).map((v, i) => [`v${i}`, v, { i }]))
    assert.equal(await c.count(), STORED)
    return c
  }

  async function measure(c: Collection, filters?: Filter) {
    let short = 0
    let hits = 0
    for (const q of queries) {
      const found = await c.query({ data: q, limit: K, ...(filters ? { filters } : {}) })
      if (found.length < K) short++
      const truth = new Set(exactNearest(live, q, 'cosine_distance', K))
      hits += found.filter((id) => truth.has(id)).length
    }
    return { short, recall: hits / (queries.length * K) }
  }

  // IVFFlat's own approximation at default lists and probes is what recall.test.ts measures (≥ 0.8).
  const floors = { hnsw: 0.95, ivfflat: 0.8 } as const
  for (const method of ['hnsw', 'ivfflat'] as const) {
    test(`${method}: full pages near replaced rows, with recall measured against exact search`, async (t) => {
      const c = await replacedCollection(method)
      assert.equal((await c.query({ data: original[0] as number[], limit: K })).length, K)
      const plain = await measure(c)
      const filtered = await measure(c, { i: { $gte: 0 } })
      t.diagnostic(
        `${method}: ${queries.length} queries at old vectors: short pages ${plain.short}, recall@10 ${plain.recall.toFixed(3)}; ` +
          `with a filter every row matches: short ${filtered.short}, recall@10 ${filtered.recall.toFixed(3)}`,
      )
      assert.equal(plain.short, 0)
      assert.equal(filtered.short, 0)
      assert.ok(plain.recall >= floors[method], `recall@10 ${plain.recall}`)
      assert.ok(filtered.recall >= floors[method], `filtered recall@10 ${filtered.recall}`)
    })
  }

  test('a collection with fewer rows than the limit returns them all, through an index', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 100 })
    await c.upsert(original.slice(0, 5).map((v, i) => [`v${i}`, v]))
    await c.createIndex({ method: 'hnsw' })
    await c.upsert(original.slice(5, 8).map((v, i) => [`v${i}`, v]))
    const found = (await c.query({ data: original[0] as number[], limit: K })) as string[]
    assert.deepEqual(found.sort(), ['v0', 'v1', 'v2', 'v3', 'v4'])
  })
})
