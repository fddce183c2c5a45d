import type { Backend, PGliteLike, PgClientLike, Queryable } from './backend.js'
import { lockDirectory } from './lock.js'
import { queryableOf, runTransaction } from './session.js'

/**
 * The embedded backend: PGlite (PostgreSQL in WASM) with pgvector, in memory or in a directory.
 * Statements go through node-postgres over PGlite's in-process protocol adapter, so parameters
 * travel in binary where vecs asks for it, exactly as on a server.
 */
export async function openPGlite(dataDir: string | null): Promise<Backend> {
  const release = dataDir === null ? () => {} : lockDirectory(dataDir)
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const { vector } = await import('@electric-sql/pglite-pgvector')
    const pglite = await PGlite.create(dataDir ?? 'memory://', { extensions: { vector } })
    return await pgliteBackend(pglite, async () => {
      await pglite.close()
      release()
    })
  } catch (error) {
    release()
    throw error
  }
}

/** A backend over a PGlite instance the user already has; `close()` leaves it open. */
export async function wrapPGlite(pglite: PGliteLike): Promise<Backend> {
  return pgliteBackend(pglite, async () => {})
}

async function pgliteBackend(pglite: PGliteLike, onClose: () => Promise<void>): Promise<Backend> {
  const { default: pg } = await import('pg')
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres')
  const client = new pg.Client(createPgConfig(pglite as never))
  await client.connect()
  const serial = exclusiveOn(pglite)
  return {
    kind: 'pglite',
    query<R>(text: string, values?: readonly unknown[]): Promise<R[]> {
      return serial(() => queryableOf(client).query<R>(text, values))
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return serial(() => transactionOn(client, fn))
    },
    session<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
      return serial(() => fn(queryableOf(client)))
    },
    async close(): Promise<void> {
      // Outside the lock: PGlite's close() takes it itself.
      await serial(() => client.end())
      await onClose()
    },
  }
}

async function transactionOn<T>(
  client: PgClientLike,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const outcome = await runTransaction(client, fn)
  if ('error' in outcome) throw outcome.error
  return outcome.result
}

type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>

/**
 * PGlite is one session: a transaction must not interleave with anyone else's statements, so every
 * statement and transaction of vecs holds the instance's own transaction lock, shared with the
 * user's direct use of it and with other vecs clients on the same instance. The protocol adapter
 * that vecs sends through takes no lock itself, so holding this one cannot deadlock.
 */
function exclusiveOn(pglite: PGliteLike): Exclusive {
  if (typeof pglite._runExclusiveTransaction !== 'function') return serializer()
  const locking = pglite as PGliteLike & { _runExclusiveTransaction: Exclusive }
  return (fn) => locking._runExclusiveTransaction(fn)
}

/** A lock of our own, for a PGlite build without the internal one. */
function serializer(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn)
    tail = run.catch(() => {})
    return run
  }
}
