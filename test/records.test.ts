import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArgError, MismatchedDimension, type Collection, type UpsertRecord } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { randomVectors } from './support/data.js'

/** Everything in a collection, to show that a failed call changed nothing. */
async function snapshot(c: Collection): Promise<unknown> {
  const ids = (await c.query({ data: new Array(c.dimension).fill(1), limit: 1000 })) as string[]
  return (await c.fetch(ids)).sort((x, y) => x.id.localeCompare(y.id))
}

describeEachBackend('records', (b) => {
  const movies = async (n = 100, dim = 16) => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: dim })
    const genres = ['action', 'rom-com', 'drama']
    const vectors = randomVectors(n, dim, 7)
    await c.upsert(
      vectors.map((v, i) => [
        `vec${i}`,
        v,
        { genre: genres[i % 3] as string, year: 1970 + (i % 50) },
      ]),
    )
    return { c, vectors }
  }

  test('an empty collection counts 0', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    assert.equal(await c.count(), 0)
  })

  test('upsert inserts, then replaces by id', async () => {
    const { c } = await movies()
    assert.equal(await c.count(), 100)
    await c.upsert([['vec0', new Array(16).fill(0), {}]])
    assert.equal(await c.count(), 100)
    assert.deepEqual(await c.fetch(['vec0']), [
      { id: 'vec0', vector: new Array(16).fill(0), metadata: {} },
    ])
  })

  test('upsert takes tuples and objects, arrays and Float32Arrays, metadata optional', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    await c.upsert([
      ['t1', [1, 2]],
      ['t2', new Float32Array([3, 4]), { k: 'v' }],
      { id: 'o1', vector: [5, 6] },
      { id: 'o2', vector: new Float32Array([7, 8]), metadata: { n: 1 } },
    ])
    assert.deepEqual(await c.fetch(['t1', 't2', 'o1', 'o2']), [
      { id: 't1', vector: [1, 2], metadata: {} },
      { id: 't2', vector: [3, 4], metadata: { k: 'v' } },
      { id: 'o1', vector: [5, 6], metadata: {} },
      { id: 'o2', vector: [7, 8], metadata: { n: 1 } },
    ])
  })

  test('upsert takes any iterable and async iterable', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    function* sync(): Generator<UpsertRecord> {
      yield ['s1', [1, 1]]
      yield ['s2', [2, 2]]
    }
    async function* later(): AsyncGenerator<UpsertRecord> {
      yield ['a1', [3, 3]]
      await new Promise((r) => setTimeout(r, 1))
      yield { id: 'a2', vector: [4, 4] }
    }
    await c.upsert(sync())
    await c.upsert(later())
    await c.upsert(new Set<UpsertRecord>([['set', [5, 5]]]))
    assert.equal(await c.count(), 5)
  })

  test('the last duplicate id in one call wins, in one batch and across batches', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    await c.upsert([
      ['d', [1, 1], { v: 1 }],
      ['d', [2, 2], { v: 2 }],
    ])
    assert.deepEqual(await c.fetch(['d']), [{ id: 'd', vector: [2, 2], metadata: { v: 2 } }])
    const many: UpsertRecord[] = Array.from({ length: 2500 }, (_, i) => [
      `r${i % 1200}`,
      [i, i],
      { i },
    ])
    await c.upsert(many)
    assert.equal(await c.count(), 1201)
    assert.deepEqual(await c.fetch(['r0', 'r100', 'r1199']), [
      { id: 'r0', vector: [2400, 2400], metadata: { i: 2400 } },
      { id: 'r100', vector: [1300, 1300], metadata: { i: 1300 } },
      { id: 'r1199', vector: [2399, 2399], metadata: { i: 2399 } },
    ])
  })

  test('a large streamed upsert reports progress and writes every row', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 8 })
    const progress: number[] = []
    async function* rows(): AsyncGenerator<UpsertRecord> {
      for (let i = 0; i < 5000; i++) yield [`id${i}`, [i, 1, 2, 3, 4, 5, 6, 7]]
    }
    await c.upsert(rows(), { onProgress: (n) => progress.push(n) })
    assert.equal(await c.count(), 5000)
    assert.equal(progress.at(-1), 5000)
    assert.ok(
      progress.length >= 2 && progress.every((n, i) => i === 0 || n > (progress[i - 1] as number)),
    )
  })

  test('a large array goes in whole; a second one over the same ids replaces them', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    const progress: number[] = []
    const first: UpsertRecord[] = Array.from({ length: 4500 }, (_, i) => [
      `k${i}`,
      [i, 0, 1],
      { round: 1 },
    ])
    await c.upsert(first, { onProgress: (n) => progress.push(n) })
    assert.equal(await c.count(), 4500)
    assert.equal(progress.at(-1), 4500)
    // Half of these ids exist: the rows are merged, not copied, and the new half is added.
    const second: UpsertRecord[] = Array.from({ length: 4500 }, (_, i) => [
      `k${i + 2250}`,
      [i, 0, 2],
      { round: 2 },
    ])
    await c.upsert(second)
    assert.equal(await c.count(), 6750)
    assert.deepEqual(await c.fetch(['k0', 'k2250', 'k6749']), [
      { id: 'k0', vector: [0, 0, 1], metadata: { round: 1 } },
      { id: 'k2250', vector: [0, 0, 2], metadata: { round: 2 } },
      { id: 'k6749', vector: [4499, 0, 2], metadata: { round: 2 } },
    ])
  })

  test('a large array with a bad record writes nothing, even on the direct path', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    const rows: UpsertRecord[] = Array.from({ length: 4000 }, (_, i) => [
      `z${i}`,
      i === 3999 ? [1] : [i, i],
    ])
    await assert.rejects(c.upsert(rows), MismatchedDimension)
    assert.equal(await c.count(), 0)
  })

  test('an error in the middle of a large upsert writes nothing of that call', async () => {
    const { c } = await movies(20, 4)
    const before = await snapshot(c)
    async function* rows(): AsyncGenerator<UpsertRecord> {
      for (let i = 0; i < 3000; i++) yield [`vec${i}`, i === 2500 ? [1, 2, 3] : [i, i, i, i], { i }]
    }
    await assert.rejects(c.upsert(rows()), MismatchedDimension)
    assert.deepEqual(await snapshot(c), before)
    async function* failing(): AsyncGenerator<UpsertRecord> {
      for (let i = 0; i < 2500; i++) yield [`x${i}`, [i, i, i, i]]
      throw new Error('source failed')
    }
    await assert.rejects(c.upsert(failing()), /source failed/)
    assert.deepEqual(await snapshot(c), before)
  })

  test('every bad record is refused before anything is written', async () => {
    const { c } = await movies(10, 3)
    const before = await snapshot(c)
    const bad: [unknown, new (...a: never[]) => Error][] = [
      [
        [
          ['ok', [1, 2, 3]],
          ['short', [1, 2]],
        ],
        MismatchedDimension,
      ],
      [[['long', [1, 2, 3, 4]]], MismatchedDimension],
      [[['nan', [1, Number.NaN, 3]]], ArgError],
      [[['inf', [1, Number.POSITIVE_INFINITY, 3]]], ArgError],
      [[['-inf', [Number.NEGATIVE_INFINITY, 1, 3]]], ArgError],
      [[['f32overflow', [1e39, 1, 3]]], ArgError],
      [[['str', [1, '2', 3]]], ArgError],
      [[['vecstr', 'not a vector']], ArgError],
      [[[42, [1, 2, 3]]], ArgError],
      [[['nul\0id', [1, 2, 3]]], ArgError],
      [[['meta', [1, 2, 3], 'not an object']], ArgError],
      [[['meta', [1, 2, 3], [1, 2]]], ArgError],
      [[['meta', [1, 2, 3], new Date()]], ArgError],
      [[['meta', [1, 2, 3], { when: new Date() }]], ArgError],
      [[['meta', [1, 2, 3], { n: Number.NaN }]], ArgError],
      [[['meta', [1, 2, 3], { u: undefined }]], ArgError],
      [[['meta', [1, 2, 3], { s: 'nul\0' }]], ArgError],
      [[['tuple']], ArgError],
      [[{ id: 'no vector' }], ArgError],
      ['a string', ArgError],
      [42, ArgError],
    ]
    for (const [records, kind] of bad) {
      await assert.rejects(
        c.upsert(records as never),
        kind,
        JSON.stringify(records, (_, v) => (typeof v === 'bigint' ? 'bigint' : v)),
      )
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await assert.rejects(c.upsert([['cyc', [1, 2, 3], cyclic as never]]), ArgError)
    assert.deepEqual(await snapshot(c), before)
  })

  test('error messages never include vectors or metadata values', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    const error = await c
      .upsert([['x', [0.123456, 7, 8, 9], { secret: 'hunter2' }]])
      .catch((e: Error) => e)
    assert.ok(error instanceof MismatchedDimension)
    assert.doesNotMatch(error.message, /0\.123456|hunter2/)
  })

  test('metadata keeps nested JSON, unicode and hostile text exactly', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    const metadata = {
      "it's": 'a "quoted" value; DROP TABLE x; --',
      nested: { list: [1, 'two', null, true, { deep: 1.5 }] },
      unicode: 'ünïcødé ✓ 𝄞',
      $1: '\\backslash',
    }
    await c.upsert([['m', [1, 2, 3], metadata]])
    assert.deepEqual((await c.fetch(['m']))[0]?.metadata, metadata)
  })

  test('fetch returns records in the order asked, skipping missing ids', async () => {
    const { c, vectors } = await movies(100, 16)
    const found = await c.fetch(['vec15', 'does not exist', 'vec0', 'vec99', 'vec15'])
    assert.deepEqual(
      found.map((r) => r.id),
      ['vec15', 'vec0', 'vec99'],
    )
    found[1]?.vector.forEach((x, i) => assert.ok(Math.abs(x - (vectors[0]?.[i] as number)) < 1e-6))
    assert.deepEqual(await c.fetch([]), [])
  })

  test('fetch refuses a bare string where a list of ids belongs', async () => {
    const { c } = await movies(3, 3)
    await assert.rejects(c.fetch('vec0' as never), ArgError)
    await assert.rejects(c.fetch([1, 2] as never), ArgError)
  })

  test('delete by ids returns the ids actually deleted', async () => {
    const { c } = await movies()
    const deleted = await c.delete({ ids: ['vec0', 'vec15', 'vec99', 'missing'] })
    assert.deepEqual(deleted.sort(), ['vec0', 'vec15', 'vec99'])
    assert.equal(await c.count(), 97)
    assert.deepEqual(await c.delete({ ids: [] }), [])
  })

  test('delete by filter returns the deleted ids', async () => {
    const { c } = await movies()
    const deleted = await c.delete({ filters: { genre: { $eq: 'action' } } })
    assert.equal(deleted.length, 34)
    assert.equal(await c.count(), 66)
    assert.deepEqual(await c.fetch(deleted), [])
  })

  test('delete refuses bad input and deletes nothing', async () => {
    const { c } = await movies(10, 3)
    const before = await snapshot(c)
    const bad = [
      { ids: 'vec0' },
      {},
      { ids: ['vec0'], filters: { genre: 'action' } },
      { filters: {} },
      undefined,
      'vec0',
    ]
    for (const what of bad)
      await assert.rejects(c.delete(what as never), ArgError, JSON.stringify(what))
    assert.deepEqual(await snapshot(c), before)
  })

  test('sample picks distinct records, the same ones for the same seed, others for another', async () => {
    const { c, vectors } = await movies(300, 4)
    const first = await c.sample(20, { seed: 'a' })
    assert.equal(first.length, 20)
    assert.equal(new Set(first.map((r) => r.id)).size, 20)
    for (const r of first) {
      const stored = vectors[Number(r.id.slice(3))] as number[]
      r.vector.forEach((x, i) => assert.ok(Math.abs(x - (stored[i] as number)) < 1e-6))
      assert.equal(typeof r.metadata.genre, 'string')
    }
    assert.deepEqual(await c.sample(20, { seed: 'a' }), first)
    const other = await c.sample(20, { seed: 'b' })
    assert.notDeepEqual(
      other.map((r) => r.id),
      first.map((r) => r.id),
    )
    // Spread over the collection, not its first rows.
    assert.ok(Math.max(...first.map((r) => Number(r.id.slice(3)))) > 150)
    assert.equal((await c.sample(1000)).length, 300)
    await assert.rejects(c.sample(0), ArgError)
    await assert.rejects(c.sample(2.5), ArgError)
    await assert.rejects(c.sample(5, { seed: 3 as never }), ArgError)
  })

  test('toString reads as in Python vecs', async () => {
    const c = await b.client.getOrCreateCollection('movies_repr', { dimension: 99 })
    assert.equal(String(c), 'vecs.Collection(name="movies_repr", dimension=99)')
  })
})
