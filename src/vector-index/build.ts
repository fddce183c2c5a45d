import type { Backend, Queryable } from '../backend/backend.js'
import { ArgError, VecsError } from '../errors.js'
import { indexOpsClass } from '../measures.js'
import { sleep } from '../sleep.js'
import { selectAbandonedVectorIndexes, selectVectorIndexes, type IndexRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import type { Fragment } from '../sql/fragment.js'
import { commentOnIndex, createVectorIndex, dropIndex } from '../sql/indexes.js'
import { indexKey } from '../sql/quantized.js'
import { countRows } from '../sql/rows.js'
import {
  resetSession,
  selectBackendPid,
  selectParallelBudget,
  selectSetting,
  setLocal,
  setSession,
  type LocalSettings,
} from '../sql/settings.js'
import {
  lockCollection,
  tryLockIndexBuild,
  unlockIndexBuild,
  type TableRef,
} from '../sql/tables.js'
import { lowDataAdvice, warnAdvice } from './advice.js'
import { defaultLists, IndexArgsHNSW, storageOptions, type IndexArgs } from './args.js'
import { estimateBuildBytes, settingToKb, storedKey, workMemForBuild } from './memory.js'
import { formatIndexName } from './name.js'
import { formatBuildNote } from './note.js'
import type { IndexPlan } from './index-options.js'
import { pollProgress, type ProgressListener } from './progress.js'
import { readIndex, type CurrentIndex } from './read.js'
import { buildWorkers, type ParallelBudget } from './workers.js'

/**
 * Builds the collection's one vector index. In one transaction it drops the old index and builds
 * the new one, with maintenance_work_mem set for that transaction from an estimate of what the
 * build needs, so a failed build leaves the previous index in place. With `concurrently` where the
 * backend can, it builds beside the old index without blocking writes, then drops the old one.
 * Either way it first waits for another client's build of the collection to end, and drops invalid
 * vector indexes that earlier concurrent builds left behind.
 */
export async function buildIndex(
  db: Backend,
  table: TableRef,
  plan: IndexPlan,
): Promise<CurrentIndex> {
  const built =
    plan.concurrently && db.capabilities.concurrentBuilds
      ? await buildBeside(db, table, plan)
      : await db.transaction((tx) => buildInTransaction(db, tx, table, plan))
  const lowData = lowDataAdvice(table.name, built)
  if (lowData !== null) warnAdvice(lowData)
  return built
}

async function buildInTransaction(db: Backend, tx: Queryable, table: TableRef, plan: IndexPlan) {
  await execute(tx, lockCollection(table))
  await waitForOtherBuilds(tx, table, 'transaction', plan.onProgress)
  await dropAbandoned(tx, table, false)
  const existing = await existingIndexes(tx, table, plan)
  const { name, statement, note, settings } = await prepare(db, tx, table, plan, false)
  await execute(tx, setLocal(settings))
  for (const row of existing) await execute(tx, dropIndex(table, row.name))
  const workers = await withProgress(db, tx, plan.onProgress, () => create(tx, statement, plan))
  await execute(tx, commentOnIndex(table, name, formatBuildNote({ ...note, ...workers })))
  return (await readIndex(tx, table)) as CurrentIndex
}

/**
 * A failed concurrent build leaves its INVALID index behind; the old index is untouched. The build
 * drops it on its own connection; when that connection is gone (its backend terminated), the index
 * is dropped on another once the session has given its connection back (a pool of one has no
 * other): DROP INDEX CONCURRENTLY waits until the dying backend lets go of the table. If that fails
 * too (the server is down), the index stays, invalid, unused and unreported, until the next
 * createIndex drops it. The name ends in random characters, so an index by that name is this build's.
 */
async function buildBeside(db: Backend, table: TableRef, plan: IndexPlan) {
  const leftover: { name?: string } = {}
  try {
    return await db.session((s) => buildConcurrently(db, s, table, plan, leftover))
  } catch (error) {
    if (leftover.name !== undefined)
      await execute(db, dropIndex(table, leftover.name, true)).catch(() => {})
    throw error
  }
}

async function buildConcurrently(
  db: Backend,
  s: Queryable,
  table: TableRef,
  plan: IndexPlan,
  leftover: { name?: string },
) {
  await waitForOtherBuilds(s, table, 'session', plan.onProgress)
  try {
    return await buildConcurrentlyAlone(db, s, table, plan, leftover)
  } finally {
    await execute(s, unlockIndexBuild(table)).catch(() => {})
  }
}

async function buildConcurrentlyAlone(
  db: Backend,
  s: Queryable,
  table: TableRef,
  plan: IndexPlan,
  leftover: { name?: string },
) {
  await dropAbandoned(s, table, true)
  const existing = await existingIndexes(s, table, plan)
  const { name, statement, note, settings } = await prepare(db, s, table, plan, true)
  const names = Object.keys(settings) as (keyof typeof settings)[]
  for (const setting of names) await execute(s, setSession(setting, String(settings[setting])))
  let workers: { workers?: number }
  try {
    workers = await withProgress(db, s, plan.onProgress, () => create(s, statement, plan))
  } catch (error) {
    await execute(s, dropIndex(table, name, true)).catch(() => (leftover.name = name))
    throw error
  } finally {
    for (const setting of names) await execute(s, resetSession(setting)).catch(() => {})
  }
  await execute(s, commentOnIndex(table, name, formatBuildNote({ ...note, ...workers })))
  for (const row of existing) await execute(s, dropIndex(table, row.name, true))
  return (await readIndex(s, table)) as CurrentIndex
}

/**
 * Waits until no other vecs client is building an index of this collection (two builds on one
 * table at once can deadlock inside PostgreSQL), then holds the build lock for `scope`. The
 * listener hears the wait once.
 */
async function waitForOtherBuilds(
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

/** Drops invalid vector indexes no session is building (see selectAbandonedVectorIndexes). */
async function dropAbandoned(db: Queryable, table: TableRef, concurrently: boolean) {
  const abandoned = await execute<{ name: string }>(
    db,
    selectAbandonedVectorIndexes(table.schema, table.name),
  )
  for (const row of abandoned) await execute(db, dropIndex(table, row.name, concurrently))
}

async function existingIndexes(
  db: Queryable,
  table: TableRef,
  plan: IndexPlan,
): Promise<IndexRow[]> {
  const existing = await execute<IndexRow>(db, selectVectorIndexes(table.schema, table.name))
  if (existing.length > 0 && !plan.replace) {
    throw new ArgError('the collection has a vector index and replace is false')
  }
  return existing
}

/**
 * Rows now, the arguments (IVFFlat lists from the rows when not given), the statement, the note
 * kept in the index's comment, and the settings for the build: the memory to ask for, and on a
 * server the parallel workers it may use.
 */
async function prepare(
  backend: Backend,
  db: Queryable,
  table: TableRef,
  plan: IndexPlan,
  concurrently: boolean,
) {
  const [count] = await execute<{ count: number }>(db, countRows(table))
  const rows = count?.count ?? 0
  const args: IndexArgs =
    plan.args ??
    (plan.method === 'hnsw' ? IndexArgsHNSW() : { method: 'ivfflat', nLists: defaultLists(rows) })
  const [setting] = await execute<{ setting: string }>(db, selectSetting('maintenance_work_mem'))
  const estimate = estimateBuildBytes({
    rows,
    dimension: table.dimension,
    stored: storedKey(table.type, plan.quantization),
    args,
  })
  const ops = indexOpsClass(table.type, plan.measure, plan.quantization)
  const name = formatIndexName(ops, args)
  const definition = {
    method: args.method,
    key: indexKey(table, plan.quantization),
    opsClass: ops,
    storage: storageOptions(args),
  }
  const [budget] = backend.capabilities.parallelBuilds
    ? await execute<ParallelBudget>(db, selectParallelBudget)
    : []
  const workers = budget === undefined ? 0 : buildWorkers(plan.parallelWorkers, budget)
  const workMemKb = workMemForBuild(
    estimate,
    settingToKb(setting?.setting ?? '64MB'),
    plan.maxMaintenanceWorkMem,
    workers,
  )
  const settings: BuildSettings = { maintenance_work_mem: `${workMemKb}kB` }
  if (budget !== undefined) settings.max_parallel_maintenance_workers = String(workers)
  return {
    name,
    statement: createVectorIndex(table, name, definition, concurrently),
    note: {
      rows,
      autoLists: plan.method === 'ivfflat' && plan.args === null,
      // Hamming distance says nothing of the measure a binary index re-ranks by.
      ...(plan.quantization === 'binary' ? { measure: plan.measure } : {}),
    },
    settings,
  }
}

type BuildSettings = Pick<
  LocalSettings,
  'maintenance_work_mem' | 'max_parallel_maintenance_workers'
>

/** Runs the CREATE INDEX, turning pgvector's out-of-memory refusal into advice. */
async function create(db: Queryable, statement: Fragment, plan: IndexPlan): Promise<void> {
  try {
    await execute(db, statement)
  } catch (error) {
    const memory = /memory required is (\d+) MB/.exec((error as Error).message)
    if (!memory) throw error
    throw new VecsError(
      `the index build needs about ${memory[1]} MB of maintenance_work_mem, more than maxMaintenanceWorkMem ` +
        `allows (${Math.round(plan.maxMaintenanceWorkMem / 2 ** 20)} MB): raise it, or use fewer lists`,
      { cause: error },
    )
  }
}

/** The phase of a build nothing can watch (PGlite: one session, on this thread). */
const ONE_SESSION_BUILD = 'building index (one session: no progress until it ends)'

/**
 * Watches the build. Where the backend has other sessions, a second connection polls
 * pg_stat_progress_create_index while the build runs, for the listener and to count the parallel
 * workers the build ran (returned, for the build's note); PGlite runs the build on this thread, so
 * the listener hears the start and the end, and no workers are counted. A listener's error fails
 * the build either way, so the call rejects and its transaction ends.
 */
async function withProgress(
  db: Backend,
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
  const stop = pollProgress(db, row?.pid as number, listener)
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
