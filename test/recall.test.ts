/**
 * Recall of vecs' default index settings on real data: GloVe-100 word vectors (data/), 5000 words
 * in the collection, 100 other words as queries, ground truth by exact search in JS.
 */
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Collection, IndexInfo } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { exactNearest } from './support/data.js'
import { loadGlove } from './support/glove.js'

const { vectors } = loadGlove(5100)
const stored = vectors.slice(0, 5000)
const queries = vectors.slice(5000)
const K = 10

async function recallAt10(c: Collection, options: { probes?: number } = {}): Promise<number> {
  let hits = 0
  for (const q of queries) {
    const truth = new Set(exactNearest(stored, q, 'cosine_distance', K))
    const found = (await c.query({ data: q, limit: K, ...options })) as string[]
    hits += found.filter((id) => truth.has(id)).length
  }
  return hits / (queries.length * K)
}

/**
 * Builds `method` with vecs' default arguments on `c`, in place of the index it had, untuned: these
 * tests measure the fixed rules (tuned indexes: test/tuning.test.ts).
 */
async function withIndex(c: Collection, method: 'hnsw' | 'ivfflat'): Promise<IndexInfo | null> {
  await c.createIndex({ method, targetRecall: null })
  return c.getIndex()
}

describeEachBackend('recall on GloVe-100', (b) => {
  // Suite setup: the 5000 words, loaded once per backend. Each test builds the index it measures,
  // replacing the one before, so the tests run one at a time but in any order or alone.
  let c: Collection
  before(async () => {
    c = await b.client.getOrCreateCollection(b.uniqueName('glove'), { dimension: 100 })
    await c.upsert(stored.map((v, i) => [`v${i}`, v]))
    assert.equal(await c.count(), 5000)
  })

  test('HNSW with vecs defaults reaches recall@10 ≥ 0.90', async (t) => {
    const index = await withIndex(c, 'hnsw')
    assert.equal(index?.method, 'hnsw')
    const recall = await recallAt10(c)
    t.diagnostic(`HNSW m=16 ef_construction=64 ef_search=40: recall@10 = ${recall.toFixed(3)}`)
    assert.ok(recall >= 0.9, `recall@10 ${recall}`)
  })

  test('IVFFlat with vecs default lists and probes reaches recall@10 ≥ 0.80', async (t) => {
    const index = await withIndex(c, 'ivfflat')
    assert.equal(index?.method === 'ivfflat' && index.nLists, 30)
    const recall = await recallAt10(c)
    t.diagnostic(`IVFFlat lists=30 probes=5: recall@10 = ${recall.toFixed(3)}`)
    assert.ok(recall >= 0.8, `recall@10 ${recall}`)
  })

  test("pgvector's own default of 1 probe is far worse, which is why vecs sets probes", async (t) => {
    const index = await withIndex(c, 'ivfflat')
    assert.equal(index?.method === 'ivfflat' && index.nLists, 30)
    const recall = await recallAt10(c, { probes: 1 })
    t.diagnostic(`IVFFlat lists=30 probes=1: recall@10 = ${recall.toFixed(3)}`)
    assert.ok(recall < (await recallAt10(c)))
  })
})
