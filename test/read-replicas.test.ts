/**
 * Read replicas: queries, fetch, count and sample go to a replica, in turn, with `fromPrimary` to
 * read your own writes; writes and DDL go to the primary; a replica that cannot be reached is left
 * out and retried later, and reads fall back to the primary.
 *
 * Routing and fall-back run everywhere, on two PGlite databases served over the wire (the
 * "replica" is another database, so what a read returns shows where it ran). Replication itself
 * runs against a real streaming standby when VECS_TEST_DATABASE_URL and VECS_TEST_REPLICA_URL (a
 * standby of that server) are set, and is skipped, saying so, otherwise.
 */
import assert from 'node:assert/strict'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import pg from 'pg'
import { ArgError, createClient, type Client } from '../src/index.js'
import { servePGliteOnLoopback, type PGliteServer } from './support/pglite-server.js'

const row = (id: string, x: number) => [id, [x, 1, 0], { x }] as [string, number[], { x: number }]

describe('read replicas: routing and fall-back', () => {
  const served: { db: PGlite; server: PGliteServer }[] = []
  let primary = ''
  let replica = ''
  let dead: Server
  let deadUrl = ''
  let connections = 0
  const clients: Client[] = []
  const connect = async (replicas: string[]) => {
    const vx = await createClient(primary, { readReplicas: replicas, poolSize: 2 })
    clients.push(vx)
    return vx
  }

  before(async () => {
    for (let i = 0; i < 2; i++) {
      const db = await PGlite.create({ extensions: { vector } })
      served.push({ db, server: await servePGliteOnLoopback(db) })
    }
    ;[primary, replica] = served.map((s) => s.server.url) as [string, string]
    // The same collection in both databases, with different rows: a read shows where it ran.
    for (const [url, ids] of [
      [primary, ['p1', 'p2']],
      [replica, ['r1']],
    ] as const) {
      const vx = await createClient(url)
      const c = await vx.getOrCreateCollection('docs', { dimension: 3 })
      await c.upsert(ids.map((id, i) => row(id, i)))
      await vx.disconnect()
    }
    // A "replica" that accepts connections and drops them at once, counting them.
    dead = createServer((socket) => {
      connections += 1
      socket.destroy()
    })
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
    deadUrl = `postgresql://postgres:secret@127.0.0.1:${(dead.address() as AddressInfo).port}/postgres`
  })

  after(async () => {
    for (const vx of clients) await vx.disconnect().catch(() => {})
    for (const { db, server } of served) {
      await server.stop()
      await db.close()
    }
    dead.close()
  })

  test('reads go to the replica, writes and fromPrimary to the primary', async () => {
    const vx = await connect([replica])
    const c = await vx.getCollection('docs')
    assert.deepEqual(await c.query({ data: [0, 1, 0], limit: 5 }), ['r1'])
    assert.equal(await c.count(), 1)
    assert.deepEqual(
      (await c.fetch(['r1', 'p1'])).map((r) => r.id),
      ['r1'],
    )
    assert.deepEqual(
      (await c.sample(5)).map((r) => r.id),
      ['r1'],
    )
    assert.deepEqual((await c.query({ data: [0, 1, 0], limit: 5, fromPrimary: true })).sort(), [
      'p1',
      'p2',
    ])
    assert.equal(await c.count({ fromPrimary: true }), 2)
    assert.deepEqual(
      (await c.fetch(['p1'], { fromPrimary: true })).map((r) => r.id),
      ['p1'],
    )
    assert.equal((await c.sample(5, { fromPrimary: true })).length, 2)
    // list and scan page through the primary; so do writes, of course.
    assert.equal((await c.list()).records.length, 2)
    await c.upsert([row('p3', 3)])
    assert.equal(await c.count({ fromPrimary: true }), 3)
    assert.equal(await c.count(), 1)
    assert.deepEqual(await c.delete({ ids: ['p3'] }), ['p3'])
    assert.deepEqual(vx.readReplicas(), [
      { url: replica.replace(':postgres@', ':***@'), healthy: true, failures: 0, retryAt: null },
    ])
  })

  test('an unreachable replica is left out, and reads fall back to the next, then the primary', async () => {
    const vx = await connect([deadUrl, replica])
    const c = await vx.getCollection('docs')
    const before = connections
    // Whichever replica's turn it is, every read answers: from the live replica.
    for (let i = 0; i < 4; i++) assert.equal(await c.count(), 1)
    assert.ok(connections > before, 'the dead replica was tried')
    const [down, up] = vx.readReplicas()
    assert.equal(down?.healthy, false)
    assert.equal(down?.failures, 1)
    assert.match(down?.url ?? '', /^postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/)
    assert.equal(up?.healthy, true)
    // Left out: the reads that end before its back-off does (1 s) do not try it again.
    const retryAt = down?.retryAt as number
    let within = 0
    for (let i = 0; i < 4; i++) {
      const tried = connections
      await c.query({ data: [1, 0, 0], limit: 1 })
      if (Date.now() >= retryAt) break
      assert.equal(connections, tried)
      within += 1
    }
    assert.ok(within > 0, 'no read ended within the back-off')
    // With no live replica, the primary answers.
    const alone = await connect([deadUrl])
    assert.equal(await (await alone.getCollection('docs')).count(), 2)
  })

  test('inside your own transaction every read runs in it', async () => {
    const vx = await connect([replica])
    const c = await vx.getCollection('docs')
    const client = new pg.Client({ connectionString: primary })
    await client.connect()
    try {
      await client.query('BEGIN')
      const inTx = c.withTransaction(client)
      await inTx.upsert([row('t1', 5)])
      assert.equal(await inTx.count(), 3)
      assert.ok((await inTx.query({ data: [5, 1, 0], limit: 3 })).includes('t1'))
      await client.query('ROLLBACK')
    } finally {
      await client.end()
    }
  })

  test('readReplicas takes server URLs, and only with a server primary', async () => {
    await assert.rejects(createClient(primary, { readReplicas: 'x' as never }), ArgError)
    await assert.rejects(createClient(primary, { readReplicas: ['memory://'] }), ArgError)
    await assert.rejects(createClient('memory://', { readReplicas: [replica] }), /server primary/)
    await assert.rejects(
      createClient(primary, { readReplicas: [] }).then((vx) => {
        clients.push(vx)
        return vx.getCollection('docs').then((c) => c.count({ fromPrimary: 'yes' as never }))
      }),
      ArgError,
    )
  })
})

const primaryUrl = process.env.VECS_TEST_DATABASE_URL
const standbyUrl = process.env.VECS_TEST_REPLICA_URL
const standby = primaryUrl && standbyUrl ? { primaryUrl, standbyUrl } : null
if (standby === null) {
  test(
    'read replicas on a real standby',
    { skip: 'set VECS_TEST_DATABASE_URL and VECS_TEST_REPLICA_URL (a standby of it)' },
    () => {},
  )
} else {
  describe('read replicas on a real streaming standby', () => {
    const schema = `vecs_replica_${Math.random().toString(16).slice(2, 8)}`
    let vx: Client
    let standbyRaw: pg.Client
    before(async () => {
      vx = await createClient(standby.primaryUrl, { schema, readReplicas: [standby.standbyUrl] })
      standbyRaw = new pg.Client({ connectionString: standby.standbyUrl })
      await standbyRaw.connect()
    })
    after(async () => {
      await standbyRaw.query('SELECT pg_wal_replay_resume()').catch(() => {})
      await standbyRaw.end()
      const raw = new pg.Client({ connectionString: standby.primaryUrl })
      await raw.connect()
      await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await raw.end()
      await vx.disconnect()
    })

    test('the standby serves reads with its index; a write shows there once replayed', async () => {
      const c = await vx.getOrCreateCollection('docs', { dimension: 3 })
      await c.upsert(Array.from({ length: 3000 }, (_, i) => row(`d${i}`, i / 3000)))
      await c.createIndex({ method: 'hnsw', targetRecall: null })
      await replayed(c, 3000)
      const plan = await c.explain({ data: [0.5, 1, 0], limit: 5 })
      assert.match(plan, /Index Scan using ix_vector_cosine_ops_hnsw/)
      // Replay paused: the standby lags, and only fromPrimary reads your own write.
      await standbyRaw.query('SELECT pg_wal_replay_pause()')
      await c.upsert([row('late', 7)])
      assert.equal(await c.count(), 3000)
      assert.deepEqual(await c.fetch(['late']), [])
      assert.equal((await c.fetch(['late'], { fromPrimary: true })).length, 1)
      assert.ok((await c.query({ data: [7, 1, 0], limit: 1, fromPrimary: true })).includes('late'))
      await standbyRaw.query('SELECT pg_wal_replay_resume()')
      await replayed(c, 3001)
      assert.deepEqual(await c.query({ data: [7, 1, 0], limit: 1, exact: true }), ['late'])
      // A write sent to the standby itself would fail: vecs never sends one there.
      await assert.rejects(
        standbyRaw.query(`DELETE FROM "${schema}".docs`),
        /read-only transaction/,
      )
    })
  })
}

/** Waits until the standby shows `rows` rows (replication is asynchronous). */
async function replayed(c: { count(): Promise<number> }, rows: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await c.count()) === rows) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the standby never showed ${rows} rows`)
}
