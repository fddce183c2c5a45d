/**
 * A filtered query scans as far as its filter needs: vecs estimates what share of the rows the
 * filter matches (a sample of the table) and widens the index's default setting for a rare one.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compareVersions } from '../src/connect.js'
import { describeEachBackend } from './backends.js'
import { randomVectors } from './support/data.js'
import { loadGlove } from './support/glove.js'

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

describeEachBackend('tuning measures filtered queries', (b) => {
  test('tune() measures a filter matching 10% of the rows, and such filters run as it measured', async (t) => {
    if (compareVersions(b.client.vectorVersion, '0.8.0') < 0) {
      t.skip('pgvector older than 0.8 has no iterative scans to measure')
      return
    }
    const { vectors: words } = loadGlove(5000)
    const c = await b.client.getOrCreateCollection(b.uniqueName('fprofile'), { dimension: 100 })
    await c.upsert(words.map((v, i) => [`w${i}`, v, { g: i % 10 }]))
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    const tuning = await c.tune({ queries: 60 })
    t.diagnostic(JSON.stringify(tuning.filtered))
    assert.ok(tuning.filtered, 'measured')
    // 5,000 rows hold enough for 10% only (1% would be 50 rows, fewer than ten pages).
    const [tenth, ...rest] = tuning.filtered.shares
    assert.deepEqual(rest, [])
    assert.ok(tenth && Math.abs(tenth.share - 0.1) < 0.01, `share ${tenth?.share}`)
    assert.ok(tenth.recall > 0 && tenth.recall <= 1 && tenth.ms > 0)
    assert.ok(tuning.filtered.exactMs > 0)
    const q = words[4999] as number[]
    const plan = await c.explain({ data: q, filters: { g: { $eq: 3 } } })
    const got = await c.query({ data: q, limit: 10, filters: { g: { $eq: 3 } } })
    const exact = await c.query({ data: q, limit: 10, filters: { g: { $eq: 3 } }, exact: true })
    assert.equal(got.length, 10)
    if (tenth.value === null) {
      assert.match(plan, /vecs: exact search/, 'no setting reached the target: exact')
      assert.deepEqual(got, exact)
    } else if (/vecs: exact search/.test(plan)) {
      // Exact search over the filter's rows (its metadata index finds them) measured cheaper than
      // the index at the setting that reached the target: the page is the exact answer.
      assert.deepEqual(got, exact)
    } else {
      assert.ok(tenth.value >= tuning.value, `${tenth.value} against ${tuning.value}`)
      const ef = efIn(plan)
      assert.ok(Math.abs(ef - tenth.value) <= tenth.value * 0.2, `ef_search ${ef}`)
    }
  })
})
