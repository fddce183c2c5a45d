import assert from 'node:assert/strict'
import { test } from 'node:test'
import pg from 'pg'
import {
  ArgError,
  createClient,
  FilterError,
  MEASURES,
  MismatchedDimension,
  type Collection,
  type QueryResult,
} from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { warningsDuring, withCode } from './support/warnings.js'
import { distances, exactNearest, randomVectors } from './support/data.js'

describeEachBackend('query', (b) => {
  const filled = async (n = 200, dim = 8): Promise<{ c: Collection; vectors: number[][] }> => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: dim })
    const vectors = randomVectors(n, dim, 42)
    await c.upsert(vectors.map((v, i) => [`v${i}`, v, { i, even: i % 2 === 0 }]))
    return { c, vectors }
  }

  test('a stored vector is its own nearest neighbour, and limit rows come back', async () => {
    const { c, vectors } = await filled()
    const res = await c.query({ data: vectors[5] as number[], limit: 7 })
    assert.equal(res.length, 7)
    assert.equal(res[0], 'v5')
  })

  test('the default limit is 10', async () => {
    const { c, vectors } = await filled()
    assert.equal((await c.query({ data: vectors[0] as number[] })).length, 10)
  })

  for (const measure of MEASURES) {
    test(`${measure}: order and values match exact search`, async () => {
      const { c, vectors } = await filled(300, 8)
      const q = randomVectors(1, 8, 99)[0] as number[]
      const rows = await c.query({ data: q, limit: 15, measure, includeValue: true })
      assert.deepEqual(
        rows.map((r) => r.id),
        exactNearest(vectors, q, measure, 15),
      )
      for (const row of rows) {
        const expected = distances[measure](q, vectors[Number(row.id.slice(1))] as number[])
        assert.ok(Math.abs((row.value as number) - expected) < 1e-4, `${row.value} vs ${expected}`)
      }
    })
  }

  test('include flags shape the rows', async () => {
    const { c, vectors } = await filled(50, 4)
    const q = vectors[3] as number[]
    const withValue = await c.query({ data: q, limit: 2, includeValue: true })
    assert.deepEqual(Object.keys(withValue[0] as QueryResult), ['id', 'value'])
    assert.equal(withValue[0]?.id, 'v3')
    assert.ok(Math.abs(withValue[0]?.value as number) < 1e-6)
    const withMeta = await c.query({ data: q, limit: 1, includeMetadata: true })
    assert.deepEqual(withMeta, [{ id: 'v3', metadata: { i: 3, even: false } }])
    const withVector = await c.query({ data: q, limit: 1, includeVector: true })
    assert.equal(withVector[0]?.id, 'v3')
    withVector[0]?.vector?.forEach((x, i) => assert.ok(Math.abs(x - (q[i] as number)) < 1e-6))
    const all = await c.query({
      data: q,
      limit: 1,
      includeValue: true,
      includeMetadata: true,
      includeVector: true,
    })
    assert.deepEqual(Object.keys(all[0] as QueryResult).sort(), [
      'id',
      'metadata',
      'value',
      'vector',
    ])
    const ids = await c.query({ data: q, limit: 1, includeValue: false })
    assert.deepEqual(ids, ['v3'])
  })

  test('a Float32Array query vector works like an array', async () => {
    const { c, vectors } = await filled(50, 4)
    assert.deepEqual(
      await c.query({ data: new Float32Array(vectors[9] as number[]), limit: 3 }),
      await c.query({ data: vectors[9] as number[], limit: 3 }),
    )
  })

  test('skipAdapter without an adapter changes nothing', async () => {
    const { c, vectors } = await filled(50, 4)
    assert.equal(
      (await c.query({ data: vectors[0] as number[], limit: 7, skipAdapter: true })).length,
      7,
    )
  })

  test('bad query options are ArgErrors before any SQL', async () => {
    const { c, vectors } = await filled(20, 4)
    const data = vectors[0] as number[]
    const bad: Record<string, unknown>[] = [
      { limit: 0 },
      { limit: 1001 },
      { limit: 2.5 },
      { limit: '10' },
      { probes: 0 },
      { probes: -1 },
      { probes: 'a' },
      { probes: 1.5 },
      { efSearch: 0 },
      { efSearch: 1001 },
      { efSearch: 'x' },
      { measure: 'invalid' },
      { includeValue: 'yes' },
      { data: [1, Number.NaN, 3, 4] },
      { data: 'text' },
      { includeValues: true },
    ]
    for (const extra of bad) {
      await assert.rejects(c.query({ data, ...extra } as never), ArgError, JSON.stringify(extra))
    }
    await assert.rejects(c.query({ data: [1, 2, 3] }), MismatchedDimension)
    await assert.rejects(c.query({ data, filters: { a: { $bad: 1 } } }), FilterError)
    await assert.rejects(c.query({} as never), ArgError)
  })

  test('the limit bounds are inclusive: 1 and 1000', async () => {
    const { c, vectors } = await filled(20, 4)
    assert.equal((await c.query({ data: vectors[0] as number[], limit: 1 })).length, 1)
    assert.equal((await c.query({ data: vectors[0] as number[], limit: 1000 })).length, 20)
  })

  test('a query without a covering index warns once per collection and measure', async () => {
    const { c, vectors } = await filled(20, 4)
    const data = vectors[0] as number[]
    const warnings = await warningsDuring(async () => {
      await c.query({ data })
      await c.query({ data })
      await c.query({ data, measure: 'l2_distance' })
      await c.query({ data, measure: 'l2_distance' })
    })
    const ours = withCode(warnings, 'VECS_NO_COVERING_INDEX', c.name)
    assert.equal(ours.length, 2)
    assert.match(ours[0]?.message as string, /cosine_distance.*createIndex/)
    assert.match(ours[1]?.message as string, /l2_distance.*createIndex/)
    await c.createIndex({ measure: 'max_inner_product' })
    const after = await warningsDuring(async () => {
      await c.query({ data, measure: 'max_inner_product' })
    })
    assert.equal(withCode(after, 'VECS_NO_COVERING_INDEX', c.name).length, 0)
  })

  test('probes and efSearch never leak into a pooled connection', async (t) => {
    if (!b.url) return t.skip('needs a URL to share one pooled connection with vecs')
    const pool = new pg.Pool({ connectionString: b.url, max: 1 })
    try {
      const client = await createClient({ pool }, { schema: b.schema })
      const c = await client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
      await c.upsert([['a', [1, 2]]])
      await c.query({ data: [1, 2], efSearch: 77, probes: 7 })
      const [row] = (
        await pool.query(
          "SELECT current_setting('hnsw.ef_search', true) AS ef, current_setting('ivfflat.probes', true) AS probes",
        )
      ).rows as { ef: string | null; probes: string | null }[]
      assert.notEqual(row?.ef, '77')
      assert.notEqual(row?.probes, '7')
      await client.disconnect()
    } finally {
      await pool.end()
    }
  })
})
