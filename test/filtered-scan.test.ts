/**
 * A filtered query scans as far as its filter needs: vecs estimates what share of the rows the
 * filter matches (a sample of the table) and widens the index's default setting for a rare one.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compareVersions } from '../src/connect.js'
import { describeEachBackend } from './backends.js'
import { randomVectors } from './support/data.js'

const vectors = randomVectors(3000, 8, 77)
const efIn = (plan: string) => Number(/hnsw\.ef_search = (\d+)/.exec(plan)?.[1])

describeEachBackend('filtered queries scan as far as their filter needs', (b) => {
  test('a filter matching 1% widens ef_search, one matching 60% keeps the default, pages stay full', async (t) => {
    if (compareVersions(b.client.vectorVersion, '0.8.0') < 0) {
      t.skip('pgvector older than 0.8 has no iterative scans to size')
      return
    }
    const c = await b.client.getOrCreateCollection(b.uniqueName('share'), { dimension: 8 })
    await c.upsert(vectors.map((v, i) => [`r${i}`, v, { g: i % 100 }]))
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    const q = vectors[5] as number[]
    const rare = { g: { $eq: 7 } }
    const common = { g: { $lt: 60 } }
    assert.equal(efIn(await c.explain({ data: q })), 40, 'unfiltered: the fixed rule')
    const wide = efIn(await c.explain({ data: q, filters: rare }))
    assert.ok(wide > 100 && wide <= 1000, `1% of the rows: ef_search ${wide}`)
    assert.equal(efIn(await c.explain({ data: q, filters: common })), 40)
    assert.equal(efIn(await c.explain({ data: q, filters: rare, efSearch: 30 })), 30, 'given wins')
    // The rare filter's page is full (30 rows match) and is its exact answer.
    const got = await c.query({ data: q, limit: 10, filters: rare })
    const exact = await c.query({ data: q, limit: 10, filters: rare, exact: true })
    assert.equal(got.length, 10)
    assert.deepEqual(new Set(got), new Set(exact))
  })
})
