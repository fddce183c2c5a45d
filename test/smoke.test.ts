import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createClient } from '../src/index.js'
import { describeEachBackend } from './backends.js'

test('the default client is embedded PGlite in memory, with pgvector', async () => {
  await using vx = await createClient()
  assert.equal(vx.backend, 'pglite')
  const docs = await vx.getOrCreateCollection('docs', { dimension: 3 })
  await docs.upsert([
    ['vec0', [0.1, 0.2, 0.3], { year: 1973 }],
    ['vec1', [0.7, 0.8, 0.9], { year: 2012 }],
  ])
  assert.deepEqual(await docs.query({ data: [0.4, 0.5, 0.6], filters: { year: { $gt: 2000 } } }), [
    'vec1',
  ])
})

describeEachBackend('smoke', (b) => {
  test('upserts and queries', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await c.upsert([
      ['a', [1, 0, 0]],
      ['b', [0, 1, 0]],
    ])
    assert.deepEqual(await c.query({ data: [1, 0.1, 0], limit: 1 }), ['a'])
  })
})
