import type { Backend, Capabilities, Queryable, TransactionHandle } from './backend.js'
import { serializer } from './serial.js'

/** What a backend inside a user's transaction is made of. */
export interface WithinParts {
  readonly kind: Backend['kind']
  readonly capabilities: Capabilities
  /** Statements on the user's transaction. */
  readonly queryable: Queryable
  /** Rejects (an ArgError) when the handle is not in a transaction on this database; run once. */
  readonly check: () => Promise<void>
  /** The backend's own `within`, for a view asked for another transaction. */
  readonly within: (tx: TransactionHandle) => Backend
}

/**
 * A backend that runs in a transaction it did not open: vecs' transactions become savepoints, so a
 * failed call rolls back to where it began and the user's transaction goes on; a finished one is
 * released, never committed. The user commits or rolls back everything together.
 */
export function withinBackend(parts: WithinParts): Backend {
  const { queryable: q } = parts
  let checked: Promise<void> | undefined
  const ready = () => (checked ??= parts.check())
  let savepoints = 0
  // One call at a time: calls made together (Promise.all) would interleave their savepoints.
  const serial = serializer()
  return {
    kind: parts.kind,
    capabilities: parts.capabilities,
    ownsSessions: false,
    query: (text, values) => serial(() => ready().then(() => q.query(text, values))),
    copyFrom: (text, data) => serial(() => ready().then(() => q.copyFrom(text, data))),
    transaction: (fn, prelude = '') => serial(() => savepoint(fn, prelude)),
    // Only a session vecs owns keeps settings (ownsSessions is false), and builds here are never
    // concurrent, so nothing asks for a session: were it asked, it is the user's transaction.
    session: (fn) => serial(() => ready().then(() => fn(q, new Map()))),
    within: parts.within,
    async close() {},
  }

  async function savepoint<T>(fn: (tx: Queryable) => Promise<T>, prelude: string): Promise<T> {
    await ready()
    const name = `vecs_${++savepoints}`
    const undo = `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`
    await q.query(prelude === '' ? `SAVEPOINT ${name}` : `SAVEPOINT ${name}; ${prelude}`)
    let result: T
    try {
      result = await fn(q)
    } catch (error) {
      // The transaction may be lost with its connection; then the user's own ROLLBACK tells them.
      await q.query(undo).catch(() => {})
      throw error
    }
    // Settings set with the savepoint would last to the end of the user's transaction: a read's
    // savepoint is rolled back, which undoes them (see Backend.transaction).
    await q.query(prelude === '' ? `RELEASE SAVEPOINT ${name}` : undo)
    return result
  }
}
