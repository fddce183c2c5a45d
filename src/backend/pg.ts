import type { Backend, PgPoolLike, Queryable } from './backend.js'
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
  return pgBackend(pool, true)
}

/** A server backend over a pool; `owned` pools are ended by `close()`, a user's own pool is not. */
export function pgBackend(pool: PgPoolLike, owned: boolean): Backend {
  return {
    kind: 'postgres',
    async query<R>(text: string, values?: readonly unknown[]): Promise<R[]> {
      const result = await pool.query(text, values as unknown[])
      return result.rows as R[]
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      const outcome = await runTransaction(client, fn)
      client.release?.('error' in outcome && outcome.broken)
      if ('error' in outcome) throw outcome.error
      return outcome.result
    },
    async session<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      let failed = false
      try {
        return await fn(queryableOf(client))
      } catch (error) {
        failed = true
        throw error
      } finally {
        // A session that failed may hold settings or a broken connection: do not pool it again.
        client.release?.(failed)
      }
    },
    async close(): Promise<void> {
      if (owned) await pool.end()
    },
  }
}
