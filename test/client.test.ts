import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArgError, CollectionNotFound, MismatchedDimension, VecsError } from '../src/index.js'
import { describeEachBackend } from './backends.js'

describeEachBackend('client', (b) => {
  test('reports the installed pgvector version', () => {
    assert.match(b.client.vectorVersion, /^\d+\.\d+\.\d+/)
  })

  test('getOrCreateCollection creates once and returns the same collection again', async () => {
    const name = b.uniqueName()
    const first = await b.client.getOrCreateCollection(name, { dimension: 1536 })
    const again = await b.client.getOrCreateCollection(name, { dimension: 1536 })
    assert.equal(first.dimension, 1536)
    assert.equal(again.name, name)
    assert.equal(again.dimension, 1536)
  })

  test('getOrCreateCollection without a dimension opens an existing collection', async () => {
    const name = b.uniqueName()
    await b.client.getOrCreateCollection(name, { dimension: 7 })
    assert.equal((await b.client.getOrCreateCollection(name)).dimension, 7)
  })

  test('getOrCreateCollection with another dimension is MismatchedDimension', async () => {
    const name = b.uniqueName()
    await b.client.getOrCreateCollection(name, { dimension: 1536 })
    await assert.rejects(
      b.client.getOrCreateCollection(name, { dimension: 1 }),
      MismatchedDimension,
    )
  })

  test('creating a collection needs a dimension', async () => {
    await assert.rejects(b.client.getOrCreateCollection(b.uniqueName()), ArgError)
  })

  test('dimension must be an integer from 1 to 16000', async () => {
    for (const dimension of [0, -1, 1.5, 16001, Number.NaN]) {
      await assert.rejects(b.client.getOrCreateCollection(b.uniqueName(), { dimension }), ArgError)
    }
  })

  test('getCollection finds a collection without its dimension', async () => {
    const name = b.uniqueName()
    await b.client.getOrCreateCollection(name, { dimension: 384 })
    const found = await b.client.getCollection(name)
    assert.equal(found.name, name)
    assert.equal(found.dimension, 384)
  })

  test('getCollection of a missing name is CollectionNotFound', async () => {
    const error = await b.client.getCollection('does_not_exist').catch((e: unknown) => e)
    assert.ok(error instanceof CollectionNotFound)
    assert.equal(error.code, 'VECS_COLLECTION_NOT_FOUND')
  })

  test('listCollections lists every collection of the schema by name', async () => {
    const client = await b.connect({ schema: `${b.schema}_list` })
    assert.deepEqual(await client.listCollections(), [])
    await client.getOrCreateCollection('docs', { dimension: 384 })
    await client.getOrCreateCollection('books', { dimension: 1586 })
    const listed = await client.listCollections()
    assert.deepEqual(
      listed.map((c) => [c.name, c.dimension]),
      [
        ['books', 1586],
        ['docs', 384],
      ],
    )
    for (const c of listed) await client.deleteCollection(c.name)
  })

  test('deleteCollection drops the collection and ignores a missing name', async () => {
    const name = b.uniqueName()
    await b.client.getOrCreateCollection(name, { dimension: 3 })
    await b.client.deleteCollection(name)
    await assert.rejects(b.client.getCollection(name), CollectionNotFound)
    await b.client.deleteCollection(name)
  })

  test('collections in another schema are invisible', async () => {
    const name = b.uniqueName()
    await b.client.getOrCreateCollection(name, { dimension: 3 })
    const other = await b.connect({ schema: `${b.schema}_other` })
    await assert.rejects(other.getCollection(name), CollectionNotFound)
  })

  test('collection names must be 1 to 63 bytes and not start with an underscore', async () => {
    const bad: unknown[] = ['', '_private', 'x'.repeat(64), 'é'.repeat(32), 'nul\0name', 42, null]
    for (const name of bad) {
      const error = await b.client
        .getOrCreateCollection(name as string, { dimension: 3 })
        .catch((e: unknown) => e)
      assert.ok(error instanceof ArgError, `expected ArgError for ${JSON.stringify(name)}`)
      assert.equal(error.code, 'VECS_ARG')
    }
    await b.client.getOrCreateCollection('x'.repeat(63), { dimension: 3 })
  })

  test('hostile collection names are quoted, never executed', async () => {
    const names = [
      `a"; DROP TABLE x; --`,
      `Robert'); DROP SCHEMA vecs CASCADE;--`,
      'MixedCase Name',
      '$1',
    ]
    for (const name of names) {
      const c = await b.client.getOrCreateCollection(name, { dimension: 3 })
      await c.upsert([['id', [1, 2, 3], { name }]])
      assert.equal(c.name, name)
      assert.deepEqual(await c.query({ data: [1, 2, 3], limit: 1 }), ['id'])
      assert.equal((await b.client.getCollection(name)).dimension, 3)
      await b.client.deleteCollection(name)
    }
    assert.ok((await b.client.listCollections()).every((c) => !names.includes(c.name)))
  })

  test("type 'halfvec' stores half-precision vectors", async () => {
    const name = b.uniqueName()
    const c = await b.client.getOrCreateCollection(name, { dimension: 3, type: 'halfvec' })
    assert.equal(c.type, 'halfvec')
    await c.upsert([['a', [0.5, 1.25, -2]]])
    assert.deepEqual(await c.fetch(['a']), [{ id: 'a', vector: [0.5, 1.25, -2], metadata: {} }])
    assert.equal((await b.client.getCollection(name)).type, 'halfvec')
    await assert.rejects(b.client.getOrCreateCollection(name, { type: 'vector' }), ArgError)
    await assert.rejects(
      b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3, type: 'float' as never }),
      ArgError,
    )
  })

  test('two clients creating the same collection at once both succeed', async () => {
    const name = b.uniqueName()
    const other = await b.connect()
    const [x, y] = await Promise.all([
      b.client.getOrCreateCollection(name, { dimension: 5 }),
      other.getOrCreateCollection(name, { dimension: 5 }),
    ])
    assert.equal(x.dimension, 5)
    assert.equal(y.dimension, 5)
  })

  test('a disconnected client can be disposed with await using', async () => {
    const name = b.uniqueName()
    {
      await using scoped = await b.connect()
      await scoped.getOrCreateCollection(name, { dimension: 2 })
    }
    assert.equal((await b.client.getCollection(name)).dimension, 2)
  })

  test('errors are VecsErrors with stable codes', async () => {
    const error = await b.client
      .getOrCreateCollection('_x', { dimension: 1 })
      .catch((e: unknown) => e)
    assert.ok(error instanceof VecsError)
    assert.equal((error as VecsError).code, 'VECS_ARG')
    assert.equal((error as Error).name, 'ArgError')
  })
})
