/**
 * Connection faults on a real server: backends terminated mid-statement, between statements and
 * while idle in the pool, the server killed mid-call and down for a while. Every call rejects
 * with `ConnectionLost`, nothing of a failed write is visible, nothing escapes as an uncaught
 * exception or unhandled rejection (either ends a user's Node process), and the same client works
 * again once the server is back, with no connections leaked.
 */
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { typedCommitError } from '../src/backend/driver-errors.js'
import {
  ConnectionLost,
  DatabaseDamaged,
  StorageFull,
  VecsError,
  createClient,
  type Client,
  type Collection,
  type UpsertRecord,
} from '../src/index.js'
import { translateDriverError } from '../src/sql/execute.js'
import { randomVectors } from './support/data.js'
import {
  nativePostgresSkipReason,
  startNativePostgres,
  type NativePostgres,
} from './support/native-postgres.js'

const skip = nativePostgresSkipReason({ pgvector: true })
const DIM = 16
/** How long a call may take to reject once its connection is gone, or while the server is down. */
const PROMPT_MS = 3_000

describe('connection faults on a native server', { skip: skip ?? false }, () => {
  let server: NativePostgres
  let client: Client
  const escaped: unknown[] = []
  const onEscape = (error: unknown) => escaped.push(error)
  let seq = 0
  const newCollection = async (rows: number): Promise<Collection> => {
    const c = await client.getOrCreateCollection(`faults_${++seq}`, { dimension: DIM })
    if (rows > 0) await c.upsert(records(rows, 'seed'))
    return c
  }

  before(
    async () => {
      process.on('uncaughtException', onEscape)
      process.on('unhandledRejection', onEscape)
      server = await startNativePostgres({ pgvector: true })
      client = await createClient(server.url, { poolSize: 4 })
    },
    { timeout: 60_000 },
  )
  after(async () => {
    await client?.disconnect().catch(() => {})
    await server?.stop()
    process.off('uncaughtException', onEscape)
    process.off('unhandledRejection', onEscape)
  })
  afterEach(async () => {
    // Long enough for a late 'error' event of a dead socket to surface.
    await sleep(300)
    assert.deepEqual(escaped.splice(0).map(String), [], 'errors escaped to the process')
  })

  /** Runs one statement on a connection of its own, past vecs. */
  const sql = async <R = Record<string, unknown>>(text: string, values: unknown[] = []) => {
    const admin = new pg.Client({ connectionString: server.url, application_name: 'faults-admin' })
    await admin.connect()
    try {
      return (await admin.query(text, values)).rows as R[]
    } finally {
      await admin.end()
    }
  }

  /** Terminates every backend vecs has open (its pool's application_name is 'vecs'). */
  const terminate = (app = 'vecs') =>
    sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [app])

  const connections = async (app = 'vecs') =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
        [app],
      )
    )[0]?.n

  /** Holds `lockSql` on a connection of its own, in an open transaction, until released. */
  const holdLock = async (lockSql: string) => {
    const holder = new pg.Client({ connectionString: server.url, application_name: 'faults-lock' })
    // This connection dies with the server in the kill test: its own error is expected there.
    holder.on('error', () => {})
    await holder.connect()
    await holder.query(`BEGIN; ${lockSql}`)
    return () => holder.end().catch(() => {})
  }

  /** Resolves once a vecs backend waits for a lock, the sign that a call is mid-statement. */
  const waitingOnLock = () =>
    until(async () => {
      const [row] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'vecs' AND wait_event_type = 'Lock'`,
      )
      return (row?.n ?? 0) > 0
    })

  test('an upsert terminated mid-write rejects with ConnectionLost, and the rows it wrote are not visible', async () => {
    const c = await newCollection(10)
    const rows = records(5_000, 'new')
    // Another transaction holds an uncommitted insert of the id the upsert writes last (rows reach
    // the table in bytewise id order), so the upsert waits there, its other rows written.
    const last = rows
      .map((r) => r[0])
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .at(-1)
    const release = await holdLock(
      `INSERT INTO vecs.${c.name} (id, vec) VALUES ('${last}', '[${Array(DIM).fill(0).join(',')}]')`,
    )
    try {
      const upsert = c.upsert(rows)
      upsert.catch(() => {})
      await waitingOnLock()
      // Its rows are in the table's pages by now, not yet committed.
      const [size] = await sql<{ bytes: number }>(
        `SELECT pg_relation_size('vecs.${c.name}')::int AS bytes`,
      )
      assert.ok((size?.bytes ?? 0) > 100_000, `the table holds ${size?.bytes} bytes`)
      await terminate()
      await assertLost(upsert)
    } finally {
      await release()
    }
    assert.equal(await c.count(), 10)
  })

  test('an upsert terminated between the batches it streams rejects with ConnectionLost and writes nothing', async () => {
    const c = await newCollection(10)
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    let paused!: () => void
    const pausing = new Promise<void>((resolve) => (paused = resolve))
    const stream = async function* () {
      const all = records(7_000, 'streamed')
      for (let i = 0; i < all.length; i++) {
        // Two batches of 2,000 are staged by now, in the call's open transaction.
        if (i === 4_500) {
          paused()
          await gate
        }
        yield all[i] as UpsertRecord
      }
    }
    const upsert = c.upsert(stream())
    upsert.catch(() => {})
    await pausing
    await sleep(200)
    await terminate()
    await until(async () => (await connections()) === 0)
    open()
    await assertLost(upsert)
    assert.equal(await c.count(), 10)
  })

  test('a query whose statement is terminated rejects with ConnectionLost', async () => {
    const c = await newCollection(100)
    const release = await holdLock(`LOCK TABLE vecs.${c.name} IN ACCESS EXCLUSIVE MODE`)
    try {
      const query = c.query({ data: randomVectors(1, DIM, 9)[0] as number[], limit: 5 })
      query.catch(() => {})
      await waitingOnLock()
      await terminate()
      await assertLost(query)
    } finally {
      await release()
    }
    assert.equal((await c.query({ data: randomVectors(1, DIM, 9)[0] as number[] })).length, 10)
  })

  test("idle connections the server closes in the user's own pool do not escape, and the pool recovers", async () => {
    const app = 'faults-user-pool'
    // A user's pool with no 'error' listener of its own: node-postgres would throw its idle
    // clients' errors into the process.
    const pool = new pg.Pool({ connectionString: server.url, application_name: app, max: 3 })
    const own = await createClient({ pool })
    try {
      const c = await own.getOrCreateCollection(`faults_${++seq}`, { dimension: DIM })
      await Promise.all([0, 1, 2].map((i) => c.upsert(records(50, `p${i}`))))
      assert.ok(pool.idleCount > 0, 'the pool holds idle connections')
      await terminate(app)
      await until(async () => pool.idleCount === 0)
      assert.equal(await c.count(), 150)
      assert.ok(pool.totalCount <= 3)
      // No connection is leaked: the server's count settles to what the pool holds.
      await until(async () => (await connections(app)) === pool.totalCount)
    } finally {
      await own.disconnect()
      await pool.end()
    }
  })

  test('a terminated concurrent index build with a progress listener rejects with ConnectionLost', async () => {
    const c = await newCollection(2_000)
    // An open transaction that wrote to the table: CREATE INDEX CONCURRENTLY waits for it, and
    // the progress poller reports that phase meanwhile.
    const release = await holdLock(`LOCK TABLE vecs.${c.name} IN ROW EXCLUSIVE MODE`)
    const phases: string[] = []
    let build: Promise<void>
    try {
      build = c.createIndex({
        method: 'hnsw',
        concurrently: true,
        onProgress: (p) => phases.push(p.phase),
      })
      build.catch(() => {})
      await until(async () => phases.length > 0)
      // The build's connection and the poller's (idle in the pool between polls) both go.
      await terminate()
    } finally {
      // Cleaning up after the failed build waits for this transaction too.
      await release()
    }
    await assertLost(build)
    assert.equal(await c.count(), 2_000)
  })

  test('a server killed mid-upsert: the call, and calls while it is down, reject with ConnectionLost; after restart the same client works', async () => {
    const c = await newCollection(10)
    const release = await holdLock(`LOCK TABLE vecs.${c.name} IN ACCESS EXCLUSIVE MODE`)
    const upsert = c.upsert(records(5_000, 'killed'))
    upsert.catch(() => {})
    await waitingOnLock()
    await server.kill()
    await release()
    await assertLost(upsert)

    const probe = randomVectors(1, DIM, 3)[0] as number[]
    const calls: (() => Promise<unknown>)[] = [
      () => c.count(),
      () => c.upsert(records(3, 'down')),
      () => c.upsert(records(5_000, 'down')),
      () => c.fetch(['seed1']),
      () => c.delete({ ids: ['seed1'] }),
      () => c.getIndex(),
      () => c.stats(),
      () => c.createIndex({ method: 'ivfflat' }),
      // Last: the index read it makes while the server is down must not be kept after restart.
      () => c.query({ data: probe }),
      () => client.listCollections(),
      () => client.getOrCreateCollection('faults_down', { dimension: DIM }),
      () => client.deleteCollection(c.name),
      () => createClient(server.url),
    ]
    for (const call of calls) await assertLost(call())

    await server.restart()
    assert.equal(await c.count(), 10, 'nothing of the killed upsert is visible')
    await c.upsert(records(3_000, 'after'))
    assert.equal(await c.count(), 3_010)
    const found = await c.query({ data: probe, limit: 5 })
    assert.equal(found.length, 5, 'a query works again: an index read that failed is not kept')
    const open = await connections()
    assert.ok(open !== undefined && open <= 4, `vecs holds ${open} connections, its pool has 4`)
  })
})

describe('driver errors become typed VecsErrors', () => {
  const driverError = (message: string, code?: string) =>
    Object.assign(new Error(message), code === undefined ? {} : { code })
  const cases: [string, Error, new (...args: never[]) => VecsError][] = [
    [
      'admin_shutdown',
      driverError('terminating connection due to administrator command', '57P01'),
      ConnectionLost,
    ],
    [
      'crash_shutdown',
      driverError('terminating connection because of crash', '57P02'),
      ConnectionLost,
    ],
    [
      'cannot_connect_now',
      driverError('the database system is starting up', '57P03'),
      ConnectionLost,
    ],
    ['connection_failure (class 08)', driverError('connection failure', '08006'), ConnectionLost],
    ['ECONNRESET', driverError('read ECONNRESET', 'ECONNRESET'), ConnectionLost],
    [
      'ECONNREFUSED',
      driverError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      ConnectionLost,
    ],
    ['EPIPE', driverError('write EPIPE', 'EPIPE'), ConnectionLost],
    ['ETIMEDOUT', driverError('connect ETIMEDOUT 10.0.0.1:5432', 'ETIMEDOUT'), ConnectionLost],
    ['an ended socket', driverError('Connection terminated unexpectedly'), ConnectionLost],
    [
      'a client broken before',
      driverError('Client has encountered a connection error and is not queryable'),
      ConnectionLost,
    ],
    [
      'disk_full',
      driverError('could not extend file "base/5/16384": No space left on device', '53100'),
      StorageFull,
    ],
    [
      'ENOSPC in an I/O error',
      driverError('could not write to file "pg_wal/x": No space left on device', '58030'),
      StorageFull,
    ],
    [
      'data_corrupted',
      driverError('invalid page in block 3 of relation base/5/16384', 'XX001'),
      DatabaseDamaged,
    ],
    [
      'index_corrupted',
      driverError('index "x" contains unexpected zero page', 'XX002'),
      DatabaseDamaged,
    ],
  ]
  for (const [what, error, type] of cases) {
    test(`${what} becomes ${type.name}, the driver error its cause`, () => {
      for (const typed of [translateDriverError(error), typedCommitError(error)]) {
        assert.ok(typed instanceof type, `${what}: got ${String(typed)}`)
        assert.equal(typed.cause, error)
      }
    })
  }

  test('a lost COMMIT says the call may have been written', () => {
    const typed = typedCommitError(driverError('Connection terminated unexpectedly'))
    assert.ok(typed instanceof ConnectionLost)
    assert.match(typed.message, /may or may not have been written/)
    assert.match(
      (translateDriverError(driverError('read ECONNRESET', 'ECONNRESET')) as Error).message,
      /wrote nothing/,
    )
  })

  test('other errors pass through unchanged', () => {
    for (const error of [
      driverError('duplicate key value violates unique constraint', '23505'),
      driverError('canceling statement due to statement timeout', '57014'),
      driverError('sorry, too many clients already', '53300'),
      // A protocol violation (class 08, like lost connections) that no retry mends.
      driverError('bind message has 4464 parameter formats but 0 parameters', '08P01'),
      new TypeError('x is not a function'),
      'not an error',
    ]) {
      assert.equal(translateDriverError(error), error)
      assert.equal(typedCommitError(error), error)
    }
  })
})

/** Asserts that `call` rejects with ConnectionLost (the driver's error as cause), promptly. */
async function assertLost(call: Promise<unknown>): Promise<void> {
  const started = Date.now()
  await assert.rejects(
    Promise.race([call, sleep(PROMPT_MS).then(() => 'still pending')]).then((value) => {
      if (value === 'still pending') throw new Error(`still pending after ${PROMPT_MS} ms`)
      return value
    }),
    (error: unknown) => {
      assert.ok(error instanceof ConnectionLost, `expected ConnectionLost, got ${String(error)}`)
      assert.equal(error.code, 'VECS_CONNECTION_LOST')
      assert.ok(error.cause instanceof Error, 'the driver error is the cause')
      return true
    },
  )
  assert.ok(Date.now() - started < PROMPT_MS)
}

/** Waits until `check` holds, polling; fails after 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await sleep(25)
  }
}

/** `n` records with ids `<prefix><i>`, from a seed of their own. */
function records(n: number, prefix: string): [string, number[]][] {
  return randomVectors(n, DIM, prefix.length + n).map((v, i) => [`${prefix}${i}`, v])
}
