import { ArgError, ConnectionLost, ConnectionRejected } from '../errors.js'
import type { Backend, KeptSettings, Queryable } from './backend.js'

/** A read replica as `client.readReplicas()` reports it. */
export interface ReplicaStatus {
  /** The replica's URL, its password masked. */
  readonly url: string
  /** False while it is left out after a failure, until `retryAt`. */
  readonly healthy: boolean
  /** Failures in a row (0 after a read it served). */
  readonly failures: number
  /** When a replica left out is next tried (ms since the epoch); null while healthy. */
  readonly retryAt: number | null
}

interface Replica {
  readonly url: string
  /** Opens its pool (and checks the server): on the first read it serves, and after a failed open. */
  readonly open: () => Promise<Backend>
  opened: Promise<Backend> | null
  failures: number
  retryAt: number
}

/** A replica that failed is left out for 1 s, doubling with each failure in a row, up to 60 s. */
const FIRST_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 60_000

/**
 * The backend reads that may lag go through: each call runs on the next healthy replica in turn
 * (round robin). A replica that cannot be reached, rejects the connection, or cancels the read for
 * a conflict with recovery is left out for a while (see above) and the call runs on the next, then
 * on the primary: reads are safe to run again. A replica left out is tried again by the first read
 * after its time, which is its health check: served, it is back; failed, it waits longer.
 */
export function routeReads(primary: Backend, replicas: readonly Replica[]) {
  let next = 0
  const healthyInTurn = (): Replica[] => {
    const now = Date.now()
    const order = replicas.map((_, i) => replicas[(next + i) % replicas.length] as Replica)
    next = (next + 1) % Math.max(replicas.length, 1)
    return order.filter((r) => r.retryAt <= now)
  }
  const run = async <T>(call: (db: Backend) => Promise<T>): Promise<T> => {
    for (const replica of healthyInTurn()) {
      try {
        const result = await call(await opened(replica))
        replica.failures = 0
        return result
      } catch (error) {
        if (!replicaFailure(error)) throw error
        replica.failures += 1
        const backoff = FIRST_BACKOFF_MS * 2 ** (replica.failures - 1)
        replica.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, backoff)
      }
    }
    return call(primary)
  }
  const reads: Backend = {
    kind: primary.kind,
    capabilities: primary.capabilities,
    ownsSessions: primary.ownsSessions,
    query: (text, values) => run((db) => db.query(text, values)),
    copyFrom: () => Promise.reject(new ArgError('a read replica takes no writes')),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, prelude?: string) =>
      run((db) => db.transaction(fn, prelude)),
    session: <T>(fn: (s: Queryable, kept: KeptSettings) => Promise<T>) =>
      run((db) => db.session(fn)),
    within: (tx) => primary.within(tx),
    close: async () => {
      const open = replicas.map((r) => r.opened?.then((b) => b.close()).catch(() => {}))
      await Promise.all(open)
    },
  }
  const status = (): ReplicaStatus[] => {
    const now = Date.now()
    return replicas.map((r) => ({
      url: r.url,
      healthy: r.retryAt <= now,
      failures: r.failures,
      retryAt: r.retryAt <= now ? null : r.retryAt,
    }))
  }
  return { reads, status }
}

export function replica(url: string, open: () => Promise<Backend>): Replica {
  return { url: maskPassword(url), open, opened: null, failures: 0, retryAt: 0 }
}

/** The replica's backend, opened once; an open that failed is tried afresh next time. */
function opened(replica: Replica): Promise<Backend> {
  if (replica.opened === null) {
    const opening = replica.open()
    opening.catch(() => {
      if (replica.opened === opening) replica.opened = null
    })
    replica.opened = opening
  }
  return replica.opened
}

/** What sends a read on to the next replica: the replica, not the read, failed. */
function replicaFailure(error: unknown): boolean {
  if (error instanceof ConnectionLost || error instanceof ConnectionRejected) return true
  const code = (error as { code?: unknown }).code
  // serialization_failure: canceled for a conflict with recovery; cannot_connect_now: starting up.
  return code === '40001' || code === '57P03'
}

function maskPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/i, '$1:***@')
}
