import type { Backend, Queryable } from '../backend/backend.js'
import { sleep } from '../sleep.js'
import { execute } from '../sql/execute.js'
import { selectBackendPid } from '../sql/settings.js'
import { tryLockIndexBuild, type TableRef } from '../sql/tables.js'
import { localProgress, pollProgress, type ProgressListener } from './progress.js'
import { shardProgress } from './shard-progress.js'

/**
 * Waits until no other vecs client is building an index of this collection (two builds on one
 * table at once can deadlock inside PostgreSQL), then holds the build lock for `scope`. The
 * listener hears the wait once.
 */
export async function waitForOtherBuilds(
  db: Queryable,
  table: TableRef,
  scope: 'session' | 'transaction',
  listener: ProgressListener | undefined,
): Promise<void> {
  for (let waited = false; ; waited = true) {
    const [row] = await execute<{ locked: boolean }>(db, tryLockIndexBuild(table, scope))
    if (row?.locked === true) return
    if (!waited) listener?.({ phase: 'waiting for another index build', percent: null })
    await sleep(BUILD_LOCK_POLL_MS)
  }
}

const BUILD_LOCK_POLL_MS = 200

/** The phase of a build nothing can watch (PGlite: one session, on this thread). */
const ONE_SESSION_BUILD = 'building index (one session: no progress until it ends)'

/**
 * Watches the build. Where the backend has other sessions, a second connection polls
 * pg_stat_progress_create_index while the build runs, for the listener and to count the parallel
 * workers the build ran (returned, for the build's note); PGlite runs the build on this thread, so
 * the listener hears the start and the end, and no workers are counted. On a Citus table the
 * shards' builds are watched instead (see shardProgress). A listener's error fails
 * the build either way, so the call rejects and its transaction ends.
 */
export async function watchBuild(
  db: Backend,
  table: TableRef,
  build: Queryable,
  listener: ProgressListener | undefined,
  run: () => Promise<void>,
): Promise<{ workers?: number }> {
  if (db.capabilities.buildProgress === 'start-end') {
    // Nothing can watch a build that holds the only session: say so, rather than a 0% that sits.
    listener?.({ phase: ONE_SESSION_BUILD, percent: null })
    await run()
    listener?.({ phase: 'done', percent: 100 })
    return db.capabilities.parallelBuilds ? {} : { workers: 0 }
  }
  const [row] = await execute<{ pid: number }>(build, selectBackendPid)
  const pid = row?.pid as number
  const read = table.shards === undefined ? localProgress(db, pid) : shardProgress(db, table)
  const stop = pollProgress(db, pid, listener, read)
  const failed = await run().then(
    () => null,
    (error: unknown) => ({ error }),
  )
  const watched = stop()
  const failure = watched.failure ?? failed
  if (failure !== null) throw failure.error
  listener?.({ phase: 'done', percent: 100, workers: watched.workers })
  return { workers: watched.workers }
}
