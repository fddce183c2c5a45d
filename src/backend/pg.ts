import { Readable } from 'node:stream'
import type { Client as PgClient } from 'pg'
import { pipeline } from 'node:stream/promises'
import {
  MIN_VECTOR_VERSION,
  type Backend,
  type KeptSettings,
  type PgClientLike,
  type PgPoolLike,
  type Queryable,
  type TransactionHandle,
} from './backend.js'
import { ArgError } from '../errors.js'
import { hasMethods, isObject } from './shape.js'
import { withinBackend } from './within.js'
import { typedDriverError, typedRejection } from './driver-errors.js'
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
    Client: closingOnFailedConnect(pg.Client),
    connectionString: url,
    max: options.poolSize ?? 10,
    ssl: options.ssl as never,
    statement_timeout: options.statementTimeout,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    idleTimeoutMillis: options.idleTimeoutMillis,
    application_name: options.applicationName ?? 'vecs',
  })
  return pgBackend(pool, true)
}

/**
 * node-postgres leaves a connection's socket open when the login fails in the client (its SASL
 * error where the server asks for a password and none was given): the pool drops the client, and
 * the socket keeps the process alive until the server times the login out (a minute by default;
 * the vecs command hung that long after printing the error). vecs' own pools close it.
 */
function closingOnFailedConnect(Client: typeof PgClient): typeof PgClient {
  return class extends Client {
    override connect(): Promise<PgClient>
    override connect(callback: (error: Error) => void): void
    override connect(callback?: (error: Error) => void): Promise<PgClient> | void {
      const close = () => (this.connection as { stream?: { destroy(): void } }).stream?.destroy()
      if (callback === undefined) {
        return super.connect().catch((error: unknown) => {
          close()
          throw error
        })
      }
      super.connect((error: Error | null) => {
        if (error) close()
        callback(error as Error)
      })
    }
  }
}

/**
 * A server backend over a pool; `owned` pools are ended by `close()`, a user's own pool is not.
 *
 * The pool emits 'error' when the server closes one of its idle connections (a restart, a
 * failover, pg_terminate_backend), and with no listener that error ends the process. So from here
 * to `close()` vecs listens on the pool too, also on a user's own: their connections may be ones
 * vecs used, and the pool has already dropped the dead one, so there is nothing to do but not
 * crash. A user's own listeners stay and still hear every error; vecs removes only its own.
 */
export async function pgBackend(pool: PgPoolLike, owned: boolean): Promise<Backend> {
  pool.on?.('error', ignoreIdleError)
  // vecs' own pool keeps the listener past its end: a connection the server ends while the pool
  // closes it (DROP DATABASE … WITH (FORCE), a shutdown) reports that late, to no one else.
  const close = async () => {
    try {
      if (owned) await pool.end()
    } finally {
      if (!owned) pool.off?.('error', ignoreIdleError)
    }
  }
  let servedPGlite: boolean
  try {
    const { rows } = await pool.query('SELECT version() AS version')
    // PGlite speaks the wire protocol but cannot COPY FROM STDIN (it aborts the whole instance).
    servedPGlite = /PGlite/.test(String((rows[0] as { version?: unknown })?.version))
  } catch (error) {
    await close().catch(() => {})
    throw typedDriverError(error)
  }
  // What vecs set on each connection's session; a connection the pool drops takes its record along.
  const kept = new WeakMap<PgClientLike, KeptSettings>()
  const keptOn = (client: PgClientLike) => {
    let settings = kept.get(client)
    if (settings === undefined) kept.set(client, (settings = new Map()))
    return settings
  }
  const onOneClient = async <T>(
    fn: (q: Queryable, kept: KeptSettings) => Promise<T>,
  ): Promise<T> => {
    const held = await checkOut(pool)
    let failed = false
    try {
      return await fn(queryableOf(held.client, copyFromStdin), keptOn(held.client))
    } catch (error) {
      failed = true
      throw error
    } finally {
      held.release(failed)
    }
  }
  const copySource = servedPGlite ? null : 'stdin'
  const within = (tx: TransactionHandle): Backend => {
    const client = pgClient(tx)
    return withinBackend({
      kind: 'postgres',
      // In the user's transaction: no second session to build beside it or to watch it from.
      capabilities: {
        copySource,
        concurrentBuilds: false,
        buildProgress: 'start-end',
        parallelBuilds: !servedPGlite,
        vectorHelp: SERVER_VECTOR_HELP,
      },
      queryable: queryableOf(client, copyFromStdin),
      check: () => inTransactionBlock(client),
      within,
    })
  }
  return {
    kind: 'postgres',
    capabilities: {
      copySource,
      concurrentBuilds: true,
      buildProgress: 'polled',
      parallelBuilds: !servedPGlite,
      vectorHelp: SERVER_VECTOR_HELP,
    },
    async query<R>(text: string, values?: readonly unknown[]): Promise<R[]> {
      return (await typedRejection(pool.query(text, values as unknown[]))).rows as R[]
    },
    ownsSessions: owned,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, prelude?: string): Promise<T> {
      const held = await checkOut(pool)
      const outcome = await runTransaction(held.client, copyFromStdin, fn, prelude)
      held.release('error' in outcome && outcome.broken)
      if ('error' in outcome) throw outcome.error
      return outcome.result
    },
    session: onOneClient,
    within,
    copyFrom: (text, data) => onOneClient((q) => q.copyFrom(text, data)),
    close,
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

/** The user's handle as a node-postgres client, or an ArgError naming what it takes. */
function pgClient(tx: TransactionHandle): PgClientLike {
  const pglite = isObject(tx) && 'closed' in tx && hasMethods(tx, ['rollback'])
  if (!hasMethods(tx, ['query']) || pglite) {
    throw new ArgError(
      'withTransaction takes a node-postgres client (a PoolClient after BEGIN) on a server collection',
    )
  }
  return tx as PgClientLike
}

/**
 * SAVEPOINT works only inside a transaction block: a client without BEGIN would otherwise run each
 * vecs statement as its own committed transaction, which is not what the user asked for.
 */
async function inTransactionBlock(client: PgClientLike): Promise<void> {
  try {
    await typedRejection(client.query('SAVEPOINT vecs_check; RELEASE SAVEPOINT vecs_check'))
  } catch (error) {
    if ((error as { code?: unknown }).code !== '25P01') throw error
    throw new ArgError(
      'withTransaction(client) needs a transaction in progress on that client: send BEGIN first (vecs never opens or commits yours)',
      { cause: error },
    )
  }
}

/** COPY … FROM STDIN through pg-copy-streams, the data streamed as CopyData messages. */
async function copyFromStdin(client: PgClientLike, text: string, data: readonly Uint8Array[]) {
  const { from } = await import('pg-copy-streams')
  await pipeline(Readable.from(data), client.query(from(text)))
}

/** The pool has dropped the idle connection that failed; see `pgBackend`. */
function ignoreIdleError(): void {}

/** A client checked out of the pool, and how to give it back. */
interface Held {
  readonly client: PgClientLike
  /** Returns the client; a failed or broken one is closed by the pool, not reused. */
  release(failed: boolean): void
}

/**
 * Checks a client out, listening for its 'error' for as long as vecs holds it: a checked-out
 * client has no pool listener, and its connection ending (a terminated backend, a server killed
 * mid-statement) emits 'error' beside failing the statement. A client that emitted one is
 * released with that error, which makes the pool discard it.
 */
async function checkOut(pool: PgPoolLike): Promise<Held> {
  const client = await typedRejection(pool.connect())
  let lost: Error | null = null
  const onError = (error: Error) => {
    lost ??= error
  }
  client.on?.('error', onError)
  return {
    client,
    release(failed) {
      client.off?.('error', onError)
      // A connection that failed may hold settings or be broken: do not pool it again.
      client.release?.(lost ?? failed)
    },
  }
}
