/**
 * A Collection kept after its collection was deleted (by this client or another) says so: every
 * call is a CollectionNotFound, not the driver's "relation does not exist".
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CollectionNotFound } from '../src/index.js'
import { describeEachBackend } from './backends.js'

describeEachBackend('a deleted collection', (b) => {
  test('every call on a Collection whose collection was deleted is CollectionNotFound', async () => {
    const name = b.uniqueName('gone')
    const c = await b.client.getOrCreateCollection(name, { dimension: 2 })
    await c.upsert([
      ['a', [1, 0], { k: 1 }],
      ['b', [0, 1], { k: 2 }],
    ])
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    await c.query({ data: [1, 0], limit: 1 }) // the index is now known to the Collection
    const other = await b.connect()
    await other.deleteCollection(name)
    const calls: [string, () => Promise<unknown>][] = [
      ['stats', () => c.stats()],
      ['count', () => c.count()],
      ['query', () => c.query({ data: [1, 0], limit: 1 })],
      ['filtered query', () => c.query({ data: [1, 0], limit: 1, filters: { k: 1 } })],
      ['exact query', () => c.query({ data: [1, 0], limit: 1, exact: true })],
      ['upsert', () => c.upsert([['c', [1, 1]]])],
      ['fetch', () => c.fetch(['a'])],
      ['delete', () => c.delete({ ids: ['a'] })],
      ['createIndex', () => c.createIndex({ method: 'ivfflat', targetRecall: null })],
    ]
    for (const [what, call] of calls) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof CollectionNotFound, `${what}: ${String(error)}`)
        assert.match(error.message, /deleted/)
        return true
      })
    }
    await other.disconnect()
    // Made again, the name is a collection again, for a new Collection.
    const again = await b.client.getOrCreateCollection(name, { dimension: 2 })
    assert.equal(await again.count(), 0)
  })
})
