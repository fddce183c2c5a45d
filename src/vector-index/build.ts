import type { Backend, Queryable } from '../backend/backend.js'
import { ArgError } from '../errors.js'
import { selectAbandonedVectorIndexes, selectVectorIndexes, type IndexRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import { commentOnIndex, dropIndex } from '../sql/indexes.js'
import { resetSession, setLocal, setSession } from '../sql/settings.js'
import { lockCollection, unlockIndexBuild, type TableRef } from '../sql/tables.js'
import { lowDataAdvice, warnAdvice } from './advice.js'
import type { IndexPlan } from './index-options.js'
import type { IndexArgs } from './args.js'
import { formatBuildNote, type BuildNote } from './note.js'
import { prepareBuild, runBuildStatement } from './prepare.js'
import { readIndex, type CurrentIndex } from './read.js'
import { waitForOtherBuilds, watchBuild } from './watch.js'

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
  for (const row of existing) await execute(tx, dropIndex(table, row.name))
  await buildInOpenTransaction(db, tx, table, plan)
  return (await readIndex(tx, table)) as CurrentIndex
}

/**
 * Builds the planned index on `table` inside the transaction `tx` the caller holds: memory and
 * parallel workers set for that transaction, the build watched, and its note kept in the index's
 * comment, with what `carried` adds for the arguments it was built with (a rebuild's tuning).
 */
export async function buildInOpenTransaction(
  db: Backend,
  tx: Queryable,
  table: TableRef,
  plan: IndexPlan,
  carried: (args: IndexArgs) => Partial<BuildNote> = () => ({}),
): Promise<void> {
  const { name, args, statement, note, settings } = await prepareBuild(db, tx, table, plan, false)
  await execute(tx, setLocal(settings))
  const workers = await watchBuild(db, table, tx, plan.onProgress, () =>
    runBuildStatement(tx, statement, plan),
  )
  const full = { ...note, ...workers, ...carried(args) }
  await execute(tx, commentOnIndex(table, name, formatBuildNote(full)))
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
  const { name, statement, note, settings } = await prepareBuild(db, s, table, plan, true)
  const names = Object.keys(settings) as (keyof typeof settings)[]
  for (const setting of names) await execute(s, setSession(setting, String(settings[setting])))
  let workers: { workers?: number }
  try {
    workers = await watchBuild(db, table, s, plan.onProgress, () =>
      runBuildStatement(s, statement, plan),
    )
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
