import { statfs } from 'node:fs/promises'
import { StorageFull, VecsError } from '../errors.js'
import type { PgClientLike } from './backend.js'
import { typedDriverError } from './driver-errors.js'

/**
 * A PGlite instance stops for good at a PostgreSQL PANIC (a WAL write that found the disk full, say)
 * or when the WASM module itself throws: it then never sends ReadyForQuery, so node-postgres waits
 * forever for one, and a statement sent to it anyway spins the thread. The guard notes the first
 * such error, turns it into the error its call rejects with, and from then on rejects every
 * statement at once without touching the instance. `client` is node-postgres' client over the PGlite
 * `where` ('in <dir>', 'in memory'); the one returned is that client, refusing to send once stopped.
 */
export function guardPGlite(
  client: PgClientLike & { on(event: 'error', listener: (error: Error) => void): unknown },
  where: string,
): PgClientLike {
  let fatal: VecsError | null = null
  let later: VecsError | null = null
  const stop = (error: unknown): VecsError => {
    if (fatal === null) {
      fatal = fatalError(error, where)
      later = stoppedError(fatal, where)
    }
    return fatal
  }
  // The adapter reports an instance that threw as the client's 'error' event: unheard, it would end
  // the process; heard, it marks the instance stopped (the call in flight rejects with it too).
  client.on('error', stop)
  const query = async (text: unknown, values?: unknown[]) => {
    if (later !== null) throw later
    try {
      return await client.query(text as string, values)
    } catch (error) {
      if (fatal !== null || isFatal(error)) throw stop(error)
      throw error
    }
  }
  return { query: query as PgClientLike['query'] }
}

/**
 * Why `PGlite.create` failed on a directory, when the reason is a full disk: PostgreSQL cannot
 * start without room for its end-of-recovery checkpoint and a new WAL segment, and PGlite reports
 * only that it "failed to initialize". Any other failure comes back as it was.
 */
export async function openFailure(error: unknown, dir: string): Promise<unknown> {
  const free = await statfs(dir).then(
    (s) => s.bavail * s.bsize,
    () => Number.POSITIVE_INFINITY,
  )
  if (free >= START_ROOM_BYTES) return error
  return new StorageFull(
    `the embedded database in ${dir} could not start: its disk has ${Math.floor(free / MB)} MB ` +
      `free, and PostgreSQL needs about ${START_ROOM_BYTES / MB} MB to start; free space, then open it again`,
    { cause: error },
  )
}

const MB = 1024 * 1024
/** One WAL segment (16 MB) and room for the checkpoint that ends recovery. */
const START_ROOM_BYTES = 24 * MB

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
