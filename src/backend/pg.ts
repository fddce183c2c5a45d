import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  MIN_VECTOR_VERSION,
  type Backend,
  type PgClientLike,
  type PgPoolLike,
  type Queryable,
} from './backend.js'
import { queryableOf, runTransaction } from './session.js'

/** What node-postgres pool options vecs passes through (see the README's "Connecting"). */
export interface PgOptions {
  poolSize?: number
  ssl?: unknown
  statementTimeout?: number
  connectionTimeoutMillis?: number
  idleTimeoutMillis?: number
  applicationName?: string
}

/** A server backend over a pool that vecs opens from a `postgres://` URL and closes itself. */
export async function openPgUrl(url: string, options: PgOptions): Promise<Backend> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ssl: options.ssl as never,
    statement_timeout: options.statementTimeout,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    idleTimeoutMillis: options.idleTimeoutMillis,
    application_name: options.applicationName ?? 'vecs',
  })
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => {})
  try {
    return await pgBackend(pool, true)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }
}

/** A server backend over a pool; `owned` pools are ended by `close()`, a user's own pool is not. */
export async function pgBackend(pool: PgPoolLike, owned: boolean): Promise<Backend> {
  const { rows } = await pool.query('SELECT version() AS version')
  // PGlite speaks the wire protocol but cannot COPY FROM STDIN (it aborts the whole instance).
  const servedPGlite = /PGlite/.test(String((rows[0] as { version?: unknown })?.version))
  const onOneClient = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    let failed = false
    try {
      return await fn(queryableOf(client, copyFromStdin))
    } catch (error) {
      failed = true
      throw error
    } finally {
      // A connection that failed may hold settings or be broken: do not pool it again.
      client.release?.(failed)
    }
  }
  return {
    kind: 'postgres',
    capabilities: {
      copySource: servedPGlite ? null : 'stdin',
      concurrentBuilds: true,
      buildProgress: 'polled',
      vectorHelp: SERVER_VECTOR_HELP,
    },
    async query<R>(text: string, values?: readonly unknown[]): Promise<R[]> {
      const result = await pool.query(text, values as unknown[])
      return result.rows as R[]
    },
    ownsSessions: owned,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, prelude?: string): Promise<T> {
      const client = await pool.connect()
      const outcome = await runTransaction(client, copyFromStdin, fn, prelude)
      client.release?.('error' in outcome && outcome.broken)
      if ('error' in outcome) throw outcome.error
      return outcome.result
    },
    session: onOneClient,
    copyFrom: (text, data) => onOneClient((q) => q.copyFrom(text, data)),
    async close(): Promise<void> {
      if (owned) await pool.end()
    },
  }
}

const SERVER_VECTOR_HELP = {
  missing:
    `pgvector is not installed on this PostgreSQL server: install pgvector ${MIN_VECTOR_VERSION} or newer ` +
    '(e.g. apt install postgresql-<version>-pgvector, or enable the "vector" extension in your ' +
    "provider's dashboard), then reconnect",
  createFailed:
    'pgvector is available but could not be enabled; ask a database owner to run: CREATE EXTENSION vector',
}

/** COPY … FROM STDIN through pg-copy-streams, the data streamed as CopyData messages. */
async function copyFromStdin(client: PgClientLike, text: string, data: readonly Uint8Array[]) {
  const { from } = await import('pg-copy-streams')
  await pipeline(Readable.from(data), client.query(from(text)))
}
