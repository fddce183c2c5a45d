/**
 * An index build that fails or is interrupted changes nothing: the previous index stays, valid
 * and used, and no INVALID index is left behind, reported, or used. Run on a throwaway server,
 * whose build backends the tests terminate.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import pg from 'pg'
import { ConnectionLost, createClient, type Client, type Collection } from '../src/index.js'
import { randomVectors } from './support/data.js'
import { nativePostgresSkipReason, startNativePostgres } from './support/native-postgres.js'
import type { NativePostgres } from './support/native-postgres.js'

const T = { timeout: 180_000 }
const skip = nativePostgresSkipReason({ pgvector: true }) ?? false

/** Enough rows that an HNSW build lasts a second or two here, long enough to be interrupted. */
const ROWS = 20_000
const DIM = 64
const QUERIES = randomVectors(10, DIM, 99)

describe('an interrupted index build', { skip }, () => {
  let server: NativePostgres
  let client: Client
  let raw: pg.Client

  before(async () => {
    server = await startNativePostgres({ pgvector: true })
    client = await createClient(server.url)
    raw = new pg.Client({ connectionString: server.url })
    await raw.connect()
  }, T)

  after(async () => {
    await raw?.end()
    await client?.disconnect()
    await server?.stop()
  }, T)

  /** A collection of `rows` random vectors with an IVFFlat index. */
  const indexed = async (name: string, rows = ROWS): Promise<Collection> => {
    const c = await client.getOrCreateCollection(name, { dimension: DIM })
    await c.upsert(randomVectors(rows, DIM, 7).map((v, i) => [`v${i}`, v]))
    // Untuned: on random vectors a tuned IVFFlat may well choose a sequential scan, and these tests
    // follow which index the plans use.
    await c.createIndex({ method: 'ivfflat', targetRecall: null })
    return c
  }

  /** The collection's vector indexes as pg_index has them, valid or not. */
  const vectorIndexes = async (c: Collection) =>
    (
      await raw.query<{ name: string; valid: boolean }>(
        `SELECT ic.relname AS name, i.indisvalid AND i.indisready AS valid
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
         WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass
           AND am.amname IN ('hnsw', 'ivfflat')
         ORDER BY ic.oid`,
        [c.schema, c.name],
      )
    ).rows

  /** The pid of the backend building an index on the collection's table, once it is building. */
  const buildingBackend = async (c: Collection): Promise<number> => {
    for (let tries = 0; tries < 600; tries++) {
      const { rows } = await raw.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_progress_create_index
         WHERE relid = format('%I.%I', $1::text, $2::text)::regclass
           AND phase LIKE 'building index%'`,
        [c.schema, c.name],
      )
      if (rows[0]) return rows[0].pid
      await delay(20)
    }
    throw new Error('no index build started')
  }

  /** What default queries return and which index their plan uses. */
  const searches = async (c: Collection) => ({
    results: await Promise.all(QUERIES.map((data) => c.query({ data, limit: 10 }))),
    plan: await c.explain({ data: QUERIES[0] as number[], limit: 10 }),
  })

  /** Starts an HNSW build, terminates its backend mid-build: the call rejects as a lost connection. */
  async function terminateBuild(c: Collection, concurrently: boolean): Promise<void> {
    const rejected = assert.rejects(
      c.createIndex({ method: 'hnsw', concurrently }),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionLost, `not a ConnectionLost: ${String(error)}`)
        return true
      },
    )
    await raw.query('SELECT pg_terminate_backend($1)', [await buildingBackend(c)])
    await rejected
  }

  test(
    'a concurrent build whose backend is terminated leaves the old index, valid and used',
    T,
    async (t) => {
      await indexed('terminated_concurrent')
      // A pool of one: the failed build's index must be dropped once its connection is back.
      const single = await createClient(server.url, { poolSize: 1 })
      t.after(() => single.disconnect())
      const c = await single.getCollection('terminated_concurrent')
      const before = await c.getIndex()
      const searched = await searches(c)
      assert.match(searched.plan, new RegExp(before?.name as string))

      await terminateBuild(c, true)

      assert.deepEqual(await vectorIndexes(c), [{ name: before?.name, valid: true }])
      assert.deepEqual(await c.getIndex(), before)
      assert.equal((await c.stats()).index?.name, before?.name)
      assert.deepEqual(await searches(c), searched)

      await c.createIndex({ method: 'hnsw', concurrently: true })
      const after = await c.getIndex()
      assert.equal(after?.method, 'hnsw')
      assert.deepEqual(await vectorIndexes(c), [{ name: after?.name, valid: true }])
    },
  )

  test(
    'a build in vecs transaction whose backend is terminated rolls back: the old index stays',
    T,
    async () => {
      const c = await indexed('terminated_in_transaction')
      const before = await c.getIndex()
      const searched = await searches(c)

      await terminateBuild(c, false)

      assert.deepEqual(await vectorIndexes(c), [{ name: before?.name, valid: true }])
      assert.deepEqual(await c.getIndex(), before)
      assert.deepEqual(await searches(c), searched)
    },
  )

  test(
    'an invalid index left by a failed build is never reported, and the next createIndex drops it',
    T,
    async () => {
      for (const concurrently of [true, false]) {
        const c = await indexed(`left_behind_${concurrently}`, 2_000)
        const before = await c.getIndex()
        const searched = await searches(c)
        const stats = await c.stats()
        await leaveInvalidIndex(raw, c)
        assert.equal((await vectorIndexes(c)).filter((index) => !index.valid).length, 1)

        assert.deepEqual(await c.getIndex(), before)
        assert.deepEqual(await c.stats(), stats)
        assert.deepEqual(await searches(c), searched)

        await c.createIndex({ method: 'hnsw', concurrently })
        const after = await c.getIndex()
        assert.deepEqual(await vectorIndexes(c), [{ name: after?.name, valid: true }])
      }
    },
  )

  test(
    "another session's concurrent build under way is not reported, nor dropped by createIndex",
    T,
    async () => {
      const c = await indexed('other_session_build', 2_000)
      const before = await c.getIndex()
      // A writer's open transaction holds the other session's build in its first wait, with its
      // INVALID index already in the catalog.
      const writer = new pg.Client({ connectionString: server.url })
      const other = new pg.Client({ connectionString: server.url })
      await Promise.all([writer.connect(), other.connect()])
      try {
        await writer.query(`BEGIN; LOCK TABLE ${table(c)} IN ROW EXCLUSIVE MODE`)
        const otherBuild = other.query(
          `CREATE INDEX CONCURRENTLY other_build ON ${table(c)} USING hnsw (vec vector_l2_ops)`,
        )
        // Settled here too, so a failed test does not leave it rejecting after the test ends.
        otherBuild.catch(() => {})
        await waitForInvalidIndex(c)

        assert.deepEqual(await c.getIndex(), before)
        assert.equal((await c.stats()).index?.name, before?.name)
        // createIndex looks for abandoned indexes first, then refuses (replace: false) before it
        // builds: a second build would wait for the table behind the other one, and PostgreSQL
        // ends one of two concurrent builds on a table waiting for each other as a deadlock.
        for (const concurrently of [true, false]) {
          // Dropping the build under way would wait for it, and it waits for the writer: a hang.
          await assert.rejects(
            within(10_000, c.createIndex({ method: 'hnsw', replace: false, concurrently })),
            /replace is false/,
          )
        }
        assert.deepEqual(await vectorIndexes(c), [
          { name: before?.name, valid: true },
          { name: 'other_build', valid: false },
        ])
        await writer.query('COMMIT')
        await otherBuild
        assert.deepEqual(await vectorIndexes(c), [
          { name: before?.name, valid: true },
          { name: 'other_build', valid: true },
        ])
      } finally {
        await writer.end()
        await other.end()
      }
    },
  )

  test(
    'builds of one collection from two clients at once run one after the other: both succeed, one index stays',
    T,
    async (t) => {
      const second = await createClient(server.url)
      t.after(() => second.disconnect())
      for (const [first, then] of [
        [true, true],
        [true, false],
        [false, true],
      ] as const) {
        const c = await indexed(`two_builds_${first}_${then}`, 5_000)
        const other = await second.getCollection(c.name)
        const heard: string[] = []
        const results = await Promise.allSettled([
          c.createIndex({ method: 'hnsw', concurrently: first }),
          delay(50).then(() =>
            other.createIndex({
              method: 'hnsw',
              measure: 'l2_distance',
              concurrently: then,
              onProgress: ({ phase }) => heard.push(phase),
            }),
          ),
        ])
        assert.deepEqual(
          results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'built')),
          ['built', 'built'],
        )
        // The second build waited for the first, so its index is the one that stays.
        assert.ok(heard.includes('waiting for another index build'), heard.join(', '))
        const after = await c.getIndex()
        assert.equal(after?.measure, 'l2_distance')
        assert.deepEqual(await vectorIndexes(c), [{ name: after?.name, valid: true }])
      }
    },
  )

  /** Polls until the collection's table has an invalid vector index. */
  const waitForInvalidIndex = async (c: Collection) => {
    for (let tries = 0; tries < 500; tries++) {
      if ((await vectorIndexes(c)).some((index) => !index.valid)) return
      await delay(20)
    }
    throw new Error('no invalid index appeared')
  }
})

/**
 * Leaves an INVALID index as a concurrent build does when it fails on a connection that does not
 * clean up after it: here an IVFFlat build that pgvector refuses for want of memory.
 */
async function leaveInvalidIndex(raw: pg.Client, c: Collection): Promise<void> {
  await raw.query(`SET maintenance_work_mem = '1MB'`)
  try {
    await assert.rejects(
      raw.query(
        `CREATE INDEX CONCURRENTLY ix_leftover ON ${table(c)}
         USING ivfflat (vec vector_cosine_ops) WITH (lists = 20000)`,
      ),
      /memory required/,
    )
  } finally {
    await raw.query('RESET maintenance_work_mem')
  }
}

/** `promise`, or a rejection once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  const timeout = new AbortController()
  const timer = delay(ms, undefined, { signal: timeout.signal }).then(() => {
    throw new Error(`still running after ${ms} ms`)
  })
  return Promise.race([promise, timer]).finally(() => timeout.abort())
}

function table(c: Collection): string {
  return `"${c.schema}"."${c.name}"`
}
