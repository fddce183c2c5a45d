/**
 * The backends every behaviour suite runs on:
 * - `pglite`: embedded PGlite in this process (the default a user gets);
 * - `pg-socket`: node-postgres over the real wire protocol, to PGlite served on 127.0.0.1;
 * - `server`: a real PostgreSQL with pgvector, when VECS_TEST_DATABASE_URL is set;
 * - `citus`: a Citus coordinator, when VECS_TEST_CITUS_URL is set, where every collection the
 *   suite's clients create is distributed over two shards unless the test says otherwise (one a
 *   worker; with more, the suite's small collections leave each shard too few rows for its
 *   planner to choose its vector index, and the index tests would test the planner).
 * VECS_TEST_BACKENDS=pglite,server narrows the list.
 */
import { randomBytes } from 'node:crypto'
import { after, before, describe } from 'node:test'
import pg from 'pg'
import { servePGliteOnLoopback } from './support/pglite-server.js'
import {
  createClient,
  type Client,
  type ClientOptions,
  type Location,
  type TransactionHandle,
} from '../src/index.js'

export interface TestBackend {
  readonly name: BackendName
  /** A client on this backend, in the suite's own schema unless `options.schema` says otherwise. */
  connect(options?: ClientOptions): Promise<Client>
  /** The suite's client, ready in every test. */
  readonly client: Client
  /** The suite's schema (dropped after the suite). */
  readonly schema: string
  /** The connection URL, for the backends that have one. */
  readonly url: string | null
  /** Runs SQL directly on the database, past vecs (catalog checks, settings, hand-made tables). */
  raw<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>
  /** A fresh collection name, unique in this run. */
  uniqueName(prefix?: string): string
  /**
   * The shards a new collection is spread over: 1, or 2 on Citus. A test whose point needs each
   * shard's planner to choose the vector index gives each shard the rows one server would get
   * (below some thousands of rows PostgreSQL reads a table rather than use its index).
   */
  readonly shards: number
  /**
   * Runs `fn` in a transaction the test owns, as a user would: a node-postgres client after BEGIN
   * (url backends) or the `tx` of PGlite's `transaction()`; `query` runs SQL in it. Ends with
   * `end` (COMMIT or ROLLBACK) when `fn` resolves, with ROLLBACK when it throws.
   */
  inTransaction<T>(
    end: 'commit' | 'rollback',
    fn: (tx: TransactionHandle, query: RawQuery) => Promise<T>,
  ): Promise<T>
}

export type RawQuery = <R = Record<string, unknown>>(
  text: string,
  values?: unknown[],
) => Promise<R[]>

export type BackendName = 'pglite' | 'pg-socket' | 'server' | 'citus'

interface Target {
  location(): Location | undefined
  url: string | null
  raw(text: string, values?: unknown[]): Promise<unknown[]>
  inTransaction: TestBackend['inTransaction']
  close(): Promise<void>
}

/** Runs `body` once per backend inside `describe(<title> [<backend>])`. */
export function describeEachBackend(title: string, body: (backend: TestBackend) => void): void {
  for (const name of selectedBackends()) {
    describe(`${title} [${name}]`, () => {
      const state = suiteState(name)
      before(state.setUp, { timeout: 60_000 })
      after(state.tearDown, { timeout: 60_000 })
      body(state.backend)
    })
  }
}

export function selectedBackends(): BackendName[] {
  const all: BackendName[] = ['pglite', 'pg-socket']
  if (process.env.VECS_TEST_DATABASE_URL) all.push('server')
  if (process.env.VECS_TEST_CITUS_URL) all.push('citus')
  const only = process.env.VECS_TEST_BACKENDS?.split(',').map((s) => s.trim())
  return only ? all.filter((b) => only.includes(b)) : all
}

function suiteState(name: BackendName) {
  const schema = `vecs_test_${randomBytes(4).toString('hex')}`
  let target: Target | null = null
  let client: Client | null = null
  let counter = 0
  const clients: Client[] = []
  const backend: TestBackend = {
    name,
    schema,
    shards: name === 'citus' ? CITUS_SHARDS : 1,
    get client() {
      if (!client) throw new Error('the suite client is not ready')
      return client
    },
    get url() {
      return target?.url ?? null
    },
    async connect(options: ClientOptions = {}) {
      if (!target) throw new Error('the backend is not ready')
      const c = await createClient(target.location(), { schema, ...options })
      clients.push(c)
      return name === 'citus' ? distributing(c) : c
    },
    async raw<R>(text: string, values?: unknown[]) {
      if (!target) throw new Error('the backend is not ready')
      return (await target.raw(text, values)) as R[]
    },
    inTransaction(end, fn) {
      if (!target) throw new Error('the backend is not ready')
      return target.inTransaction(end, fn)
    },
    uniqueName(prefix = 'c') {
      counter += 1
      return `${prefix}_${counter}_${randomBytes(3).toString('hex')}`
    },
  }
  return {
    backend,
    async setUp() {
      target = await openTarget(name)
      client = await backend.connect()
    },
    async tearDown() {
      for (const c of clients) await c.disconnect().catch(() => {})
      await target?.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await target?.close()
    },
  }
}

async function openTarget(name: BackendName): Promise<Target> {
  if (name === 'pglite') return sharedPGlite()
  if (name === 'server')
    return urlTarget(process.env.VECS_TEST_DATABASE_URL as string, async () => {})
  if (name === 'citus') return urlTarget(process.env.VECS_TEST_CITUS_URL as string, async () => {})
  return servePGlite()
}

const CITUS_SHARDS = 2

/** The client, its new collections distributed (two shards) unless a test passes `distributed`. */
function distributing(c: Client): Client {
  const open = c.getOrCreateCollection.bind(c)
  c.getOrCreateCollection = ((name: string, options = {}) =>
    open(name, {
      distributed: { shardCount: CITUS_SHARDS },
      ...options,
    })) as Client['getOrCreateCollection']
  return c
}

/**
 * One in-process PGlite for the suite, wrapped by every client (`{ pglite }`), so tests with several
 * clients see one database, as they would on a server. (The default `createClient()` path that
 * opens its own PGlite is covered by the smoke and embedded-lock suites.)
 */
async function sharedPGlite(): Promise<Target> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { vector } = await import('@electric-sql/pglite-pgvector')
  const db = await PGlite.create({ extensions: { vector } })
  return {
    location: () => ({ pglite: db }),
    url: null,
    raw: async (text, values) => (await db.query(text, values)).rows,
    inTransaction: (end, fn) =>
      db.transaction(async (tx) => {
        const result = await fn(
          tx,
          async (text, values) => (await tx.query(text, values)).rows as never,
        )
        if (end === 'rollback') await tx.rollback()
        return result
      }),
    close: () => db.close(),
  }
}

/** PGlite with pgvector, served over the Postgres wire protocol on a free loopback port. */
export async function servePGlite(): Promise<Target> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { vector } = await import('@electric-sql/pglite-pgvector')
  const db = await PGlite.create({ extensions: { vector } })
  const server = await servePGliteOnLoopback(db)
  return urlTarget(server.url, async () => {
    await server.stop()
    await db.close()
  })
}

function urlTarget(url: string, close: () => Promise<void>): Target {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  return {
    location: () => url,
    url,
    raw: async (text, values) => (await pool.query(text, values)).rows,
    async inTransaction(end, fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn(
          client,
          async (text, values) => (await client.query(text, values)).rows,
        )
        await client.query(end === 'commit' ? 'COMMIT' : 'ROLLBACK')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    async close() {
      await pool.end()
      await close()
    },
  }
}
