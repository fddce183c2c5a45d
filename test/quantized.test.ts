/**
 * Quantized indexes on real data: GloVe-100 words (data/), 3000 in the collection, 100 other words
 * as queries, ground truth by exact search in JS. A halfvec index keeps the recall of full
 * precision at about half the size; a binary index, far smaller, is searched by Hamming distance
 * and re-ranked by the exact distance, its recall growing with the candidates it re-ranks.
 */
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { ArgError, IndexArgsIVFFlat, type Collection } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { exactNearest } from './support/data.js'
import { loadGlove } from './support/glove.js'
import { measureRecall } from './support/recall.js'

const { vectors } = loadGlove(3100)
const stored = vectors.slice(0, 3000)
const queries = vectors.slice(3000)
const truths = queries.map((q) => new Set(exactNearest(stored, q, 'cosine_distance', 10)))

const recallAt10 = async (c: Collection, options: { efSearch?: number; rerank?: number } = {}) =>
  (await measureRecall(c, queries, truths, options)).recall

describeEachBackend('quantized indexes', (b) => {
  let c: Collection
  before(async () => {
    c = await b.client.getOrCreateCollection(b.uniqueName('glove'), { dimension: 100 })
    await c.upsert(stored.map((v, i) => [`v${i}`, v]))
  })

  test('halfvec: half the index, the recall of full precision, values in exact order', async (t) => {
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    const full = { recall: await recallAt10(c, { efSearch: 40 }), stats: await c.stats() }
    await c.createIndex({ method: 'hnsw', quantization: 'halfvec', targetRecall: null })
    const index = await c.getIndex()
    assert.equal(index?.quantization, 'halfvec')
    assert.match(index?.name ?? '', /^ix_halfvec_cosine_ops_hnsw_m16_efc64_[0-9a-f]{7}$/)
    const half = { recall: await recallAt10(c, { efSearch: 40 }), stats: await c.stats() }
    const ratio = (half.stats.vectorIndexBytes ?? 0) / (full.stats.vectorIndexBytes ?? 1)
    t.diagnostic(
      `recall@10 full ${full.recall.toFixed(3)}, halfvec ${half.recall.toFixed(3)}; size ratio ${ratio.toFixed(2)}`,
    )
    assert.ok(Math.abs(half.recall - full.recall) <= 0.02, `${half.recall} vs ${full.recall}`)
    assert.ok(ratio > 0.4 && ratio < 0.75, `size ratio ${ratio}`)
    // The planner serves the query from the index's own expression.
    const plan = await c.explain({ data: queries[0] as number[], limit: 10 })
    assert.match(plan, new RegExp(`Index Scan using ${index?.name}`))
    assert.match(plan, /Order By: \(\(vec\)::halfvec\(100\) <=>/)
    // Distances are the vectors' own, in order.
    const hits = await c.query({ data: queries[1] as number[], limit: 10, includeValue: true })
    const exact = await c.query({
      data: queries[1] as number[],
      limit: 10,
      includeValue: true,
      exact: true,
    })
    const values = hits.map((hit) => hit.value)
    assert.deepEqual(
      values,
      [...values].sort((x, y) => x - y),
    )
    const exactValue = new Map(exact.map((hit) => [hit.id, hit.value]))
    for (const hit of hits)
      if (exactValue.has(hit.id)) assert.equal(hit.value, exactValue.get(hit.id))
  })

  test('binary: a far smaller index, re-ranked by the exact distance, recall growing with rerank', async (t) => {
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    const fullBytes = (await c.stats()).vectorIndexBytes ?? 0
    await c.createIndex({ method: 'hnsw', quantization: 'binary', targetRecall: null })
    const index = await c.getIndex()
    assert.deepEqual(
      { quantization: index?.quantization, measure: index?.measure },
      { quantization: 'binary', measure: 'cosine_distance' },
    )
    assert.match(index?.name ?? '', /^ix_bit_hamming_ops_hnsw_m16_efc64_[0-9a-f]{7}$/)
    const bytes = (await c.stats()).vectorIndexBytes ?? 0
    const recalls: number[] = []
    for (const rerank of [1, 4, 16, 64]) recalls.push(await recallAt10(c, { rerank }))
    const byDefault = await recallAt10(c)
    t.diagnostic(
      `binary index ${(fullBytes / bytes).toFixed(1)}x smaller; recall@10 at rerank 1/4/16/64: ${recalls.map((r) => r.toFixed(3)).join(' ')}, default ${byDefault.toFixed(3)}`,
    )
    // At 100 dimensions the graph's links outweigh the vectors: 2 to 3 times smaller (more at
    // higher dimensions, where the vectors weigh more: bench/quantized.ts).
    assert.ok(bytes * 2 < fullBytes, `${bytes} vs ${fullBytes} bytes`)
    for (let i = 1; i < recalls.length; i++)
      assert.ok((recalls[i] as number) > (recalls[i - 1] as number), String(recalls))
    // 640 candidates of 3000 rows, re-ranked exactly: nearly every neighbour.
    assert.ok((recalls[3] as number) >= 0.97, String(recalls))
    // Re-ranking puts the page in exact order with exact distances.
    const hits = await c.query({
      data: queries[2] as number[],
      limit: 10,
      includeValue: true,
      rerank: 64,
    })
    const values = hits.map((hit) => hit.value)
    assert.deepEqual(
      values,
      [...values].sort((x, y) => x - y),
    )
    const plan = await c.explain({ data: queries[0] as number[], limit: 10 })
    // A Citus shard of 1,500 rows is read whole (test/distributed.test.ts shows a shard's index).
    if (b.shards === 1) assert.match(plan, new RegExp(`Index Scan using ${index?.name}`))
    assert.match(plan, /binary_quantize\(vec\)\)::bit\(100\) <~>/)
    // exact: true ranks every row, past the binary index.
    const exact = await c.explain({ data: queries[0] as number[], limit: 10, exact: true })
    assert.doesNotMatch(exact, /Index Scan/)
  })

  test('a binary index is tuned to a target: the candidates it re-ranks are what tuning chooses', async (t) => {
    await c.createIndex({ method: 'hnsw', quantization: 'binary', targetRecall: null })
    await c.tune({ targetRecall: 0.9 })
    const stats = await c.stats()
    t.diagnostic(JSON.stringify({ tuning: stats.tuning?.value, recall: stats.tuning?.recall }))
    assert.equal(stats.tuning?.setting, 'hnsw.ef_search')
    assert.equal(stats.tuning?.reached, true)
    const recall = await recallAt10(c)
    t.diagnostic(`tuned to 0.9: recall@10 on held-out words ${recall.toFixed(3)}`)
    assert.ok(recall >= 0.85, `recall@10 ${recall}`)
  })

  test('binary IVFFlat, another measure, reindex keeps the quantization, filters fill pages', async () => {
    const ivfflatL2 = (quantization: 'halfvec' | 'binary') =>
      c.createIndex({
        method: 'ivfflat',
        quantization,
        measure: 'l2_distance',
        indexArguments: IndexArgsIVFFlat({ nLists: 20 }),
        targetRecall: null,
      })
    await ivfflatL2('binary')
    const index = await c.getIndex()
    assert.deepEqual(
      { method: index?.method, quantization: index?.quantization, measure: index?.measure },
      { method: 'ivfflat', quantization: 'binary', measure: 'l2_distance' },
    )
    await c.reindex({ targetRecall: null })
    const again = await c.getIndex()
    assert.notEqual(again?.name, index?.name)
    assert.deepEqual(
      { quantization: again?.quantization, measure: again?.measure },
      { quantization: 'binary', measure: 'l2_distance' },
    )
    assert.equal(await c.isIndexedForMeasure('l2_distance'), true)
    const q = queries[3] as number[]
    // Every list probed, a third of the rows re-ranked: Hamming distance keeps the neighbours.
    const hits = await c.query({
      data: q,
      limit: 10,
      measure: 'l2_distance',
      rerank: 100,
      probes: 20,
    })
    const truth = exactNearest(stored, q, 'l2_distance', 10)
    assert.ok(hits.filter((id) => truth.includes(id)).length >= 9, `${hits} vs ${truth}`)
    // halfvec serves IVFFlat too, with the same recall as full precision would.
    await ivfflatL2('halfvec')
    const halfIndex = await c.getIndex()
    assert.deepEqual([halfIndex?.method, halfIndex?.quantization], ['ivfflat', 'halfvec'])
    const half = await c.query({ data: q, limit: 10, measure: 'l2_distance', probes: 20 })
    assert.ok(half.filter((id) => truth.includes(id)).length >= 9, `${half} vs ${truth}`)
    assert.match(
      await c.explain({ data: q, limit: 10, measure: 'l2_distance' }),
      new RegExp(`Index Scan using ${halfIndex?.name}`),
    )
    await c.createIndex({
      method: 'ivfflat',
      quantization: 'binary',
      measure: 'l2_distance',
      targetRecall: null,
    })
    // Each page of a filtered query is full.
    await c.updateMetadata({ ids: stored.slice(0, 600).map((_, i) => `v${i}`) }, { tag: 'a' })
    const filtered = await c.query({
      data: q,
      limit: 10,
      measure: 'l2_distance',
      filters: { tag: { $eq: 'a' } },
      includeMetadata: true,
    })
    assert.equal(filtered.length, 10)
    for (const hit of filtered) assert.deepEqual(hit.metadata, { tag: 'a' })
  })

  test('hybrid search takes its vector side from a binary index', async () => {
    const docs = await b.client.getOrCreateCollection(b.uniqueName('hybrid'), { dimension: 100 })
    const words = ['apple', 'river', 'stone']
    await docs.upsert(
      stored.slice(0, 300).map((v, i) => [`v${i}`, v, { text: `${words[i % 3]} number ${i}` }]),
    )
    await docs.createIndex({ method: 'hnsw', quantization: 'binary', targetRecall: null })
    await docs.createTextIndex()
    const q = stored[7] as number[]
    const fused = await docs.query({ data: q, text: 'river 7', limit: 5, includeValue: true })
    // v7 is nearest its own vector and alone says "river" and "7": first on both sides.
    assert.equal(fused[0]?.id, 'v7')
    assert.equal(fused[0]?.ranking.vectorRank, 1)
    assert.equal(fused[0]?.ranking.distance, 0)
  })

  test('bad quantization input is an ArgError before any SQL', async () => {
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    const before = await c.getIndex()
    await assert.rejects(c.createIndex({ quantization: 'int8' as never }), ArgError)
    await assert.rejects(c.query({ data: queries[0] as number[], rerank: 4 }), /not quantized/)
    for (const rerank of [0, 101, 1.5, '4'])
      await assert.rejects(
        c.query({ data: queries[0] as number[], rerank: rerank as number }),
        /rerank must be an integer from 1 to 100/,
      )
    assert.deepEqual(await c.getIndex(), before)
    const half = await b.client.getOrCreateCollection(b.uniqueName('half'), {
      dimension: 8,
      type: 'halfvec',
    })
    await assert.rejects(half.createIndex({ quantization: 'halfvec' }), /already stores halfvec/)
    // Past pgvector's limits for what the index stores: each error names the way that fits.
    const wide = await b.client.getOrCreateCollection(b.uniqueName('wide'), { dimension: 3000 })
    await assert.rejects(wide.createIndex(), /quantization: 'halfvec'/)
    await wide.createIndex({ quantization: 'halfvec', targetRecall: null })
    assert.equal((await wide.getIndex())?.quantization, 'halfvec')
    const wider = await b.client.getOrCreateCollection(b.uniqueName('wider'), { dimension: 5000 })
    await assert.rejects(wider.createIndex({ quantization: 'halfvec' }), /quantization: 'binary'/)
    await wider.createIndex({ quantization: 'binary', targetRecall: null })
    assert.equal((await wider.getIndex())?.quantization, 'binary')
    await wider.upsert([['a', Array.from({ length: 5000 }, (_, i) => Math.sin(i))]])
    assert.deepEqual(
      await wider.query({ data: Array.from({ length: 5000 }, (_, i) => Math.sin(i)) }),
      ['a'],
    )
  })
})
