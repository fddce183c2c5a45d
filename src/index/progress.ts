import type { Queryable } from '../backend/backend.js'
import { selectBuildProgress, type ProgressRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'

/** A build's progress: the phase as the server names it, and percent done where it can tell. */
export interface IndexProgress {
  phase: string
  percent: number | null
}

export type ProgressListener = (progress: IndexProgress) => void

const POLL_MS = 250

/**
 * Polls `pg_stat_progress_create_index` for the build running in backend `pid`, on another
 * connection than the build's own, and reports each change. Returns a function that stops it.
 */
export function pollProgress(db: Queryable, pid: number, listener: ProgressListener): () => void {
  let stopped = false
  let last = ''
  const poll = async () => {
    while (!stopped) {
      const [row] = await execute<ProgressRow>(db, selectBuildProgress(pid)).catch(() => [])
      const progress = row ? toProgress(row) : null
      const key = progress ? `${progress.phase}:${progress.percent}` : ''
      if (progress && key !== last && !stopped) listener(progress)
      last = key
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }
  void poll()
  return () => {
    stopped = true
  }
}

function toProgress(row: ProgressRow): IndexProgress {
  const [done, total] =
    row.tuplesTotal > 0 ? [row.tuplesDone, row.tuplesTotal] : [row.blocksDone, row.blocksTotal]
  const percent = total > 0 ? Math.min(100, Math.round((1000 * done) / total) / 10) : null
  return { phase: row.phase, percent }
}
