import { StorageFull, VecsError } from '../errors.js'
import type { SqlClient } from './backend.js'
import { typedDriverError } from './driver-errors.js'
import { InstanceFault } from './pglite-protocol.js'

/**
 * A PGlite instance stops for good at a PostgreSQL PANIC (a WAL write that found the disk full, say)
 * or when the WASM module itself throws: a statement sent to it after that would spin the thread.
 * The guard notes the first such error, turns it into the error its call rejects with, and from
 * then on rejects every statement at once without touching the instance. `client` is vecs'
 * protocol client over the PGlite `where` ('in <dir>', 'in memory'); the one returned is that
 * client, refusing to send once stopped.
 */
export function guardPGlite(client: SqlClient, where: string): SqlClient {
  let fatal: VecsError | null = null
  let later: VecsError | null = null
  const stop = (error: unknown): VecsError => {
    if (fatal === null) {
      fatal = fatalError(error, where)
      later = stoppedError(fatal, where)
    }
    return fatal
  }
  return {
    async query(text, values) {
      if (later !== null) throw later
      try {
        return await client.query(text, values)
      } catch (error) {
        if (error instanceof InstanceFault) throw stop(error.cause)
        if (isFatal(error)) throw stop(error)
        throw error
      }
    },
  }
}

/** PANIC and FATAL end a PostgreSQL backend, and PGlite's one backend is the whole database. */
function isFatal(error: unknown): boolean {
  const severity = (error as { severity?: unknown } | null)?.severity
  return severity === 'PANIC' || severity === 'FATAL'
}

/** The error the call that met the fault rejects with. */
function fatalError(error: unknown, where: string): VecsError {
  const reason = error instanceof Error ? error.message : String(error)
  if (typedDriverError(error) instanceof StorageFull) {
    return new StorageFull(
      `the disk under the embedded database ${where} is full (${reason}): the call wrote nothing, ` +
        'and the database stopped; free space, then disconnect and open it again',
      { cause: error },
    )
  }
  return new VecsError(
    `the embedded database ${where} stopped at a fatal error (${reason}): the call wrote nothing; ` +
      'disconnect and open it again',
    { cause: error },
  )
}

/** What every call after the fault rejects with. */
function stoppedError(fatal: VecsError, where: string): VecsError {
  return new VecsError(
    `the embedded database ${where} stopped at an earlier fatal error (${fatal.code}); ` +
      'nothing more runs on this client: disconnect and open it again',
    { cause: fatal },
  )
}
