import { ArgError } from '../errors.js'
import type {
  Backend,
  Capabilities,
  KeptSettings,
  PGliteLike,
  PGliteTransactionLike,
  SqlClient,
  Queryable,
  TransactionHandle,
} from './backend.js'
import { guardPGlite } from './pglite-faults.js'
import { pgliteProtocol } from './pglite-protocol.js'
import { serializer, type Exclusive } from './serial.js'
import { hasMethods } from './shape.js'
import { withinBackend } from './within.js'
import { queryableOf, runTransaction, type CopyFn } from './session.js'

/**
 * What vecs relies on inside PGlite, and why `@electric-sql/pglite` and
 * `@electric-sql/pglite-pgvector` are pinned to exact, matching versions in package.json:
 * - `_runExclusiveTransaction`: the instance's own lock (see `exclusiveOn`); without it a user's
 *   statements on a shared instance could land inside a vecs transaction.
 * - `_handleBlob` / `_cleanupBlob`: the data `COPY … FROM '/dev/blob'` reads, vecs' fast bulk path.
 * - `execProtocolStream` with `throwOnError: false`, and the `protocol` and `types` it exports: vecs'
 *   own statement client over PGlite's in-process wire protocol (pglite-protocol.ts).
 * None of these is public API; a minor release may change them, and the pgvector build must match
 * the PGlite build it is loaded into. Bump both together, and only with the whole suite green.
 */

/** Where an embedded database lives, and what to do about its directory around the open. */
export interface EmbeddedPlace {
  /** What PGlite opens: `memory://`, a directory, or a browser store such as `idb://name`. */
  readonly dataDir: string
  /** How messages name it: 'in memory', 'in /data/vecs'. */
  readonly where: string
  /** Gives back what was taken before the open (a directory lock); run when the backend closes. */
  readonly release: () => void
  /** The error a failed open becomes (a full disk said as one); default: as it was. */
  readonly explain?: (error: unknown) => Promise<unknown>
}

/**
 * The embedded backend: PGlite (PostgreSQL in WASM) with pgvector, in memory, in a directory, or
 * in the browser's storage. Statements go over PGlite's in-process wire protocol
 * (pglite-protocol.ts), parameters in binary where vecs asks for it and results read as
 * node-postgres reads them from a server.
 */
export async function openPGlite(place: EmbeddedPlace): Promise<Backend> {
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const { vector } = await import('@electric-sql/pglite-pgvector')
    const pglite = await PGlite.create(place.dataDir, {
      extensions: { vector },
      startParams: [...PGlite.defaultStartParams, ...NO_STARTUP_PROGRESS_TIMER],
    }).catch(async (error: unknown) => {
      throw place.explain === undefined ? error : await place.explain(error)
    })
    return await pgliteBackend(pglite, place.where, true, async () => {
      try {
        await pglite.close()
      } finally {
        place.release()
      }
    })
  } catch (error) {
    place.release()
    throw error
  }
}

/** PGlite in memory: nothing to lock, nothing left when it closes. */
export const IN_MEMORY: EmbeddedPlace = { dataDir: 'memory://', where: 'in memory', release() {} }

/**
 * PostgreSQL arms a 10-second timer to log the progress of a long startup (crash recovery), and
 * re-arms it each time it fires. When the start fails (a disk too full to finish recovery), nothing
 * disarms it, and PGlite's timer would keep the Node process alive for ever. vecs logs nothing of
 * startup, so the timer is turned off.
 */
const NO_STARTUP_PROGRESS_TIMER = ['-c', 'log_startup_progress_interval=0']

/** A backend over a PGlite instance the user already has; `close()` leaves it open. */
export async function wrapPGlite(pglite: PGliteLike): Promise<Backend> {
  return pgliteBackend(pglite, 'you opened', false, async () => {})
}

async function pgliteBackend(
  pglite: PGliteLike,
  where: string,
  owned: boolean,
  onClose: () => Promise<void>,
): Promise<Backend> {
  await pglite.waitReady
  const guarded = guardPGlite(pgliteProtocol(pglite), where)
  const serial = exclusiveOn(pglite)
  const copy = copyFromBlob(pglite)
  const queryable = queryableOf(guarded, copy)
  // PGlite is one session: one record of what vecs set on it.
  const kept: KeptSettings = new Map()
  const capabilities: Capabilities = {
    copySource: 'blob',
    concurrentBuilds: false,
    buildProgress: 'start-end',
    parallelBuilds: false,
    vectorHelp: { missing: PGLITE_VECTOR_HELP, createFailed: PGLITE_VECTOR_HELP },
  }
  const within = (tx: TransactionHandle): Backend => {
    const theirs = pgliteTransaction(tx)
    return withinBackend({
      kind: 'pglite',
      capabilities,
      // Without the lock: the user's transaction holds it, and its statements wait on this call.
      queryable,
      check: () => sameTransaction(theirs, queryable),
      within,
    })
  }
  return {
    kind: 'pglite',
    capabilities,
    query: (text, values) => serial(() => queryable.query(text, values)),
    copyFrom: (text, data) => serial(() => queryable.copyFrom(text, data)),
    ownsSessions: owned,
    transaction: (fn, prelude) => serial(() => transactionOn(guarded, copy, fn, prelude)),
    session: (fn) => serial(() => fn(queryable, kept)),
    within,
    async close(): Promise<void> {
      // Outside the lock: PGlite's close() takes it itself. Waits for vecs' statements in flight.
      await serial(async () => {})
      await onClose()
    },
  }
}

/**
 * COPY … FROM '/dev/blob': PGlite reads the blob attached to the session as that file. The
 * statement itself goes through the same protocol client as every other, inside vecs' lock.
 */
function copyFromBlob(pglite: PGliteLike): CopyFn {
  return async (client, text, data) => {
    await pglite._handleBlob(new Blob(data as Uint8Array<ArrayBuffer>[]))
    try {
      await client.query(text)
    } finally {
      await pglite._cleanupBlob()
    }
  }
}

async function transactionOn<T>(
  client: SqlClient,
  copy: CopyFn,
  fn: (tx: Queryable) => Promise<T>,
  prelude?: string,
): Promise<T> {
  const outcome = await runTransaction(client, copy, fn, prelude)
  if ('error' in outcome) throw outcome.error
  return outcome.result
}

/**
 * The user's PGlite transaction, open, on the instance vecs sends to: the statement both run sees
 * the same transaction start. vecs' statements go through its own protocol client, not `tx`, so
 * that results are read exactly as everywhere else; a `tx` of another instance would leave them
 * outside any transaction.
 */
async function sameTransaction(tx: PGliteTransactionLike, queryable: Queryable): Promise<void> {
  if (tx.closed) throw new ArgError('withTransaction was given a PGlite transaction already closed')
  const [theirs] = (await tx.query(STARTED_AT)).rows as { at: string }[]
  const [ours] = await queryable.query<{ at: string }>(STARTED_AT)
  if (theirs?.at !== ours?.at) {
    throw new ArgError(
      "withTransaction was given a transaction of another PGlite: pass the tx of this client's own instance",
    )
  }
}

const STARTED_AT = 'SELECT transaction_timestamp()::text AS at'

function pgliteTransaction(tx: TransactionHandle): PGliteTransactionLike {
  if (!hasMethods(tx, ['query']) || typeof Reflect.get(tx, 'closed') !== 'boolean') {
    throw new ArgError(
      "withTransaction takes the tx of PGlite's transaction() on an embedded collection",
    )
  }
  return tx as PGliteTransactionLike
}

const PGLITE_VECTOR_HELP =
  "pgvector is not loaded in this PGlite: create it with extensions: { vector } from '@electric-sql/pglite-pgvector'"

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
