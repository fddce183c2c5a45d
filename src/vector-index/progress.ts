import type { Queryable } from '../backend/backend.js'
import { sleep } from '../sleep.js'
import { selectBuildProgress, type ProgressRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import { cancelBackend } from '../sql/settings.js'

/** A build's progress: the phase as the server names it, and percent done where it can tell. */
export interface IndexProgress {
  phase: string
  percent: number | null
  /**
   * Server builds watched from another connection: the parallel workers the build runs right now
   * (0 while the leader works alone). Absent where nothing can watch the build (PGlite).
   */
  workers?: number
}

export type ProgressListener = (progress: IndexProgress) => void

/** What a listener threw, kept to be thrown where the caller of the build sees it. */
export interface ListenerFailure {
  readonly error: unknown
}

/** What watching a build saw: the most parallel workers at once, and a listener's failure. */
export interface Watched {
  readonly workers: number
  readonly failure: ListenerFailure | null
}

const POLL_MS = 250

/** One look at a build: its progress now, or null where nothing reports it (yet). */
export type ProgressReader = () => Promise<IndexProgress | null>

/** Reads `pg_stat_progress_create_index` for the build that backend `pid` runs on this server. */
export function localProgress(db: Queryable, pid: number): ProgressReader {
  return async () => {
    const [row] = await execute<ProgressRow>(db, selectBuildProgress(pid))
    return row === undefined ? null : toProgress(row)
  }
}

/**
 * Polls the build running in backend `pid` with `read`, on another connection than the build's
 * own, counts the parallel workers it leads, and reports each change to the listener, if any. A
 * listener that throws stops the polling and cancels the build (the call is failing anyway), and
 * its error is kept: it would otherwise escape as an unhandled rejection, which ends a Node
 * process. Returns a function that stops polling and returns what it saw. It does not wait for a
 * poll under way: where the server serialises sessions (PGlite served over a socket), that poll
 * waits for the build's own transaction, which waits for this.
 */
export function pollProgress(
  db: Queryable,
  pid: number,
  listener: ProgressListener | undefined,
  read: ProgressReader,
): () => Watched {
  const stop = new AbortController()
  let failure: ListenerFailure | null = null
  let workers = 0
  let last = ''
  const poll = async () => {
    while (!stop.signal.aborted) {
      const progress = await read().catch(() => null)
      if (progress !== null && !stop.signal.aborted)
        workers = Math.max(workers, progress.workers ?? 0)
      const key = progress ? `${progress.phase}:${progress.percent}:${progress.workers}` : ''
      if (listener && progress && key !== last && !stop.signal.aborted) {
        try {
          listener(progress)
        } catch (error) {
          failure = { error }
          // A cancel that arrives after the build ended finds the session idle, where it has no effect.
          await execute(db, cancelBackend(pid)).catch(() => {})
          return
        }
      }
      last = key
      await sleep(POLL_MS, stop.signal)
    }
  }
  void poll()
  return () => {
    stop.abort()
    return { workers, failure }
  }
}

/** Percent done of one build: by tuples where the phase counts them, else by blocks. */
export function fractionDone(row: Omit<ProgressRow, 'phase' | 'workers'>): number | null {
  const [done, total] =
    row.tuplesTotal > 0 ? [row.tuplesDone, row.tuplesTotal] : [row.blocksDone, row.blocksTotal]
  return total > 0 ? Math.min(1, done / total) : null
}

function toProgress(row: ProgressRow): IndexProgress {
  const fraction = fractionDone(row)
  const percent = fraction === null ? null : Math.round(1000 * fraction) / 10
  return { phase: row.phase, percent, workers: row.workers }
}
