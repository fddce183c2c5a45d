/**
 * `collection.withTransaction(tx)`: vecs calls inside a transaction the user owns (a node-postgres
 * client after BEGIN, or the tx of PGlite's `transaction()`) commit and roll back with the user's
 * own rows; vecs never commits, and a failed call leaves the user's transaction usable.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import pg from 'pg'
import { describeEachBackend, type TestBackend } from './backends.js'
import {
  ArgError,
  MismatchedDimension,
  createClient,
  type Collection,
  type PGliteTransactionLike,
} from '../src/index.js'

describeEachBackend('your transaction', (b) => {
  /** A collection and an app table beside it, in the suite's schema. */
  async function setUp(b: TestBackend) {
    const docs = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    const app = `"${b.schema}"."${b.uniqueName('app')}"`
    await b.raw(`CREATE TABLE ${app} (id text PRIMARY KEY)`)
    const appRows = async () =>
      (await b.raw<{ id: string }>(`SELECT id FROM ${app} ORDER BY id`)).map((r) => r.id)
    return { docs, app, appRows }
  }
  const ids = async (docs: Collection) =>
    (await docs.list({ limit: 1000 })).records.map((r) => r.id)

  test('vectors commit with the app rows, and roll back with them', async () => {
    const { docs, app, appRows } = await setUp(b)
    await docs.upsert([['old', [1, 1, 1], { n: 0 }]])
    for (const end of ['rollback', 'commit'] as const) {
      await b.inTransaction(end, async (tx, query) => {
        await query(`INSERT INTO ${app} (id) VALUES ($1)`, [end])
        const inTx = docs.withTransaction(tx)
        await inTx.upsert([[end, [1, 0, 0], { n: 1 }]])
        await inTx.updateMetadata({ ids: ['old'] }, { seen: end })
        assert.deepEqual(await inTx.delete({ ids: ['nope'] }), [])
        // The transaction sees its own writes.
        assert.deepEqual((await inTx.fetch([end]))[0]?.metadata, { n: 1 })
        assert.equal(await inTx.count(), 2)
        assert.deepEqual(await inTx.query({ data: [1, 0, 0], limit: 1 }), [end])
      })
    }
    assert.deepEqual(await appRows(), ['commit'])
    assert.deepEqual(await ids(docs), ['commit', 'old'])
    assert.deepEqual((await docs.fetch(['old']))[0]?.metadata, { n: 0, seen: 'commit' })
  })

  test('a call that fails rolls back to its savepoint; the transaction goes on', async () => {
    const { docs, app, appRows } = await setUp(b)
    await b.inTransaction('commit', async (tx, query) => {
      const inTx = docs.withTransaction(tx)
      await inTx.upsert([['kept', [0, 1, 0], {}]])
      // Batches of valid rows go in before the bad one arrives: the whole call is undone.
      async function* rows() {
        for (let i = 0; i < 5000; i++) yield [`r${i}`, [i, 1, 1], { i }] as const
        yield ['bad', [1, 1], {}] as const
      }
      await assert.rejects(inTx.upsert(rows()), MismatchedDimension)
      // Two large upserts in one transaction (each stages its rows in a table of its own).
      async function* many(prefix: string) {
        for (let i = 0; i < 4100; i++) yield [`${prefix}${i}`, [i, 2, 2], {}] as const
      }
      await inTx.upsert(many('a'))
      await inTx.upsert(many('b'))
      await query(`INSERT INTO ${app} (id) VALUES ('after')`)
    })
    assert.deepEqual(await appRows(), ['after'])
    assert.equal(await docs.count(), 1 + 2 * 4100)
    assert.deepEqual(await docs.fetch(['r0', 'bad']), [])
  })

  test('calls made together run one after another; a query leaves no setting behind', async () => {
    const { docs } = await setUp(b)
    await docs.upsert(Array.from({ length: 300 }, (_, i) => [`v${i}`, [i, i % 7, 1], {}] as const))
    await b.inTransaction('rollback', async (tx, query) => {
      const inTx = docs.withTransaction(tx)
      await inTx.createIndex({ method: 'hnsw', targetRecall: null })
      await Promise.all([
        inTx.upsert([['x', [1, 1, 1], {}]]),
        inTx.upsert([['y', [2, 2, 2], {}]]),
        inTx.query({ data: [1, 1, 1], limit: 5, efSearch: 77 }),
      ])
      const [setting] = await query<{ ef: string }>(
        `SELECT current_setting('hnsw.ef_search') AS ef`,
      )
      assert.equal(setting?.ef, '40')
      assert.equal((await inTx.getIndex())?.method, 'hnsw')
      assert.equal(await inTx.count(), 302)
    })
    // Rolled back: the index and the rows with it.
    assert.equal(await docs.getIndex(), null)
    assert.equal(await docs.count(), 300)
  })

  test('a handle that is not a transaction of this database is an ArgError', async () => {
    const { docs } = await setUp(b)
    assert.throws(() => docs.withTransaction({} as never), ArgError)
    if (b.url === null) {
      // PGlite: a closed transaction, and one of another instance.
      const { PGlite } = await import('@electric-sql/pglite')
      const other = await PGlite.create()
      await other.transaction(async (tx) => {
        await assert.rejects(docs.withTransaction(tx).count(), /another PGlite/)
      })
      await b.inTransaction('commit', async (tx) => {
        await (tx as PGliteTransactionLike).rollback()
        await assert.rejects(docs.withTransaction(tx).count(), /already closed/)
      })
      await other.close()
      return
    }
    // A client with no BEGIN: vecs would otherwise commit each statement on it.
    const client = new pg.Client({ connectionString: b.url })
    await client.connect()
    try {
      await assert.rejects(docs.withTransaction(client).count(), /send BEGIN first/)
      await assert.rejects(createClient({ pool: client as never }), /withTransaction/)
    } finally {
      await client.end()
    }
  })
})
