import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ArgError,
  IndexArgsHNSW,
  IndexArgsIVFFlat,
  IndexMeasure,
  IndexMethod,
  MEASURES,
  type Collection,
} from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { exactNearest, randomVectors } from './support/data.js'

describeEachBackend('indexes', (b) => {
  const filled = async (n = 500, dim = 8): Promise<{ c: Collection; vectors: number[][] }> => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: dim })
    const vectors = randomVectors(n, dim, 3)
    await c.upsert(vectors.map((v, i) => [`v${i}`, v, { i }]))
    return { c, vectors }
  }
  const vectorIndexCount = async (c: Collection) => {
    const rows = await b.raw<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexdef ~ 'USING (hnsw|ivfflat)'`,
      [c.schema, c.name],
    )
    return rows[0]?.n
  }

  test('a new collection has no vector index', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    assert.equal(await c.getIndex(), null)
    assert.equal(await c.isIndexedForMeasure(IndexMeasure.cosine_distance), false)
  })

  test('createIndex() builds HNSW for cosine distance with pgvector defaults and a Python vecs name', async () => {
    const { c } = await filled()
    await c.createIndex()
    const index = await c.getIndex()
    assert.ok(index)
    assert.match(index.name, /^ix_vector_cosine_ops_hnsw_m16_efc64_[0-9a-f]{7}$/)
    assert.deepEqual(
      { ...index, name: undefined },
      {
        name: undefined,
        method: 'hnsw',
        measure: 'cosine_distance',
        quantization: 'none',
        m: 16,
        efConstruction: 64,
      },
    )
    assert.equal(await c.isIndexedForMeasure('cosine_distance'), true)
    assert.equal(await c.isIndexedForMeasure('l2_distance'), false)
  })

  test('HNSW takes m and efConstruction', async () => {
    const { c } = await filled(100)
    await c.createIndex({
      method: IndexMethod.hnsw,
      indexArguments: IndexArgsHNSW({ m: 8, efConstruction: 32 }),
    })
    const index = await c.getIndex()
    assert.equal(index?.method, 'hnsw')
    assert.match(index?.name ?? '', /^ix_vector_cosine_ops_hnsw_m8_efc32_[0-9a-f]{7}$/)
    assert.deepEqual(index?.method === 'hnsw' && [index.m, index.efConstruction], [8, 32])
  })

  test('IVFFlat takes nLists, and defaults to max(rows / 1000, 30) lists', async () => {
    const { c } = await filled(500)
    await c.createIndex({
      method: 'ivfflat',
      measure: 'l2_distance',
      indexArguments: IndexArgsIVFFlat({ nLists: 12 }),
    })
    const given = await c.getIndex()
    assert.match(given?.name ?? '', /^ix_vector_l2_ops_ivfflat_nl12_[0-9a-f]{7}$/)
    assert.deepEqual(given?.method === 'ivfflat' && given.nLists, 12)
    await c.createIndex({ method: 'ivfflat', measure: 'l2_distance' })
    const defaulted = await c.getIndex()
    assert.deepEqual(defaulted?.method === 'ivfflat' && defaulted.nLists, 30)
  })

  for (const measure of MEASURES) {
    test(`an HNSW index for ${measure} uses its ops class and serves that measure`, async () => {
      const { c } = await filled(100)
      await c.createIndex({ method: 'hnsw', measure })
      const ops = {
        cosine_distance: 'cosine',
        l2_distance: 'l2',
        max_inner_product: 'ip',
        l1_distance: 'l1',
      }[measure]
      assert.match((await c.getIndex())?.name ?? '', new RegExp(`^ix_vector_${ops}_ops_hnsw_`))
      for (const m of MEASURES) assert.equal(await c.isIndexedForMeasure(m), m === measure)
    })
  }

  test('one vector index per collection: a new one replaces the old', async () => {
    const { c } = await filled(100)
    await c.createIndex()
    await c.createIndex({ method: 'ivfflat', measure: 'max_inner_product' })
    assert.equal(await vectorIndexCount(c), 1)
    assert.equal((await c.getIndex())?.measure, 'max_inner_product')
  })

  test('replace: false with an index present is an ArgError and keeps the index', async () => {
    const { c } = await filled(100)
    await c.createIndex()
    const before = await c.getIndex()
    await assert.rejects(c.createIndex({ measure: 'l2_distance', replace: false }), ArgError)
    assert.deepEqual(await c.getIndex(), before)
    const fresh = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await fresh.createIndex({ replace: false })
    assert.equal((await fresh.getIndex())?.method, 'hnsw')
  })

  test('bad index options are ArgErrors before any SQL, and leave the index as it was', async () => {
    const { c } = await filled(50)
    await c.createIndex()
    const before = await c.getIndex()
    const bad: (() => unknown)[] = [
      () => c.createIndex({ method: 'auto', indexArguments: IndexArgsHNSW() }),
      () => c.createIndex({ method: 'ivfflat', indexArguments: IndexArgsHNSW() }),
      () => c.createIndex({ method: 'hnsw', indexArguments: IndexArgsIVFFlat({ nLists: 10 }) }),
      () => c.createIndex({ method: 'ivfflat', measure: 'l1_distance' }),
      () => c.createIndex({ method: 'annoy' as never }),
      () => c.createIndex({ measure: 'hamming' as never }),
      () =>
        c.createIndex({
          method: 'hnsw',
          indexArguments: { method: 'hnsw', m: 1, efConstruction: 64 },
        }),
      () => c.createIndex({ method: 'ivfflat', indexArguments: { method: 'ivfflat', nLists: 0 } }),
      () => c.createIndex({ replace: 'yes' as never }),
      () => IndexArgsHNSW({ m: 1 }),
      () => IndexArgsHNSW({ m: 101 }),
      () => IndexArgsHNSW({ efConstruction: 3 }),
      () => IndexArgsHNSW({ efConstruction: 1001 }),
      () => IndexArgsHNSW({ m: 40, efConstruction: 64 }),
      () => IndexArgsHNSW({ m: 2.5 }),
      () => IndexArgsIVFFlat({ nLists: 0 }),
      () => IndexArgsIVFFlat({ nLists: 32769 }),
      () => IndexArgsIVFFlat({} as never),
    ]
    for (const call of bad) {
      await assert.rejects(async () => call(), ArgError, call.toString())
    }
    assert.deepEqual(await c.getIndex(), before)
  })

  test('HNSW bounds are inclusive: m 2..100, efConstruction 4..1000', () => {
    assert.deepEqual(IndexArgsHNSW({ m: 2, efConstruction: 4 }), {
      method: 'hnsw',
      m: 2,
      efConstruction: 4,
    })
    assert.deepEqual(IndexArgsHNSW({ m: 100, efConstruction: 1000 }), {
      method: 'hnsw',
      m: 100,
      efConstruction: 1000,
    })
  })

  test('more than 2000 dimensions cannot be indexed as vector; the error suggests halfvec', async () => {
    const wide = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2001 })
    const error = await wide.createIndex().catch((e: Error) => e)
    assert.ok(error instanceof ArgError)
    assert.match(error.message, /halfvec/)
    const tooWide = await b.client.getOrCreateCollection(b.uniqueName(), {
      dimension: 4001,
      type: 'halfvec',
    })
    await assert.rejects(tooWide.createIndex(), ArgError)
  })

  test('halfvec collections index with halfvec ops classes up to 4000 dimensions', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), {
      dimension: 3000,
      type: 'halfvec',
    })
    await c.upsert(randomVectors(20, 3000, 5).map((v, i) => [`h${i}`, v]))
    await c.createIndex({ measure: 'l2_distance' })
    assert.match((await c.getIndex())?.name ?? '', /^ix_halfvec_l2_ops_hnsw_m16_efc64_/)
    assert.equal(
      (
        await c.query({
          data: randomVectors(20, 3000, 5)[4] as number[],
          measure: 'l2_distance',
          limit: 1,
        })
      )[0],
      'h4',
    )
  })

  test('each collection has its own index', async () => {
    const { c: one } = await filled(50)
    const { c: two } = await filled(50)
    await one.createIndex()
    await two.createIndex()
    const [a, z] = [await one.getIndex(), await two.getIndex()]
    assert.ok(a && z)
    assert.notEqual(a.name, z.name)
  })

  test('an HNSW query is served by the index: efSearch applies inside the query', async () => {
    const { c, vectors } = await filled(1000 * b.shards)
    await c.createIndex()
    const q = vectors[1] as number[]
    // pgvector's HNSW scan returns at most ef_search rows; a sequential scan has no such cap. On
    // Citus each shard's scan does, and the coordinator merges what they return.
    const capped = await c.query({ data: q, limit: 30, efSearch: 10 })
    assert.equal(capped.length, 10 * b.shards)
    assert.equal((await c.query({ data: q, limit: 100 })).length, 100)
  })

  test('IVFFlat probing every list gives exact results', async () => {
    const { c, vectors } = await filled(1000)
    await c.createIndex({ method: 'ivfflat', indexArguments: IndexArgsIVFFlat({ nLists: 20 }) })
    for (const q of randomVectors(5, 8, 11)) {
      assert.deepEqual(
        await c.query({ data: q, limit: 10, probes: 20 }),
        exactNearest(vectors, q, 'cosine_distance', 10),
      )
    }
  })
})
