import type { Backend, Queryable } from '../backend/backend.js'
import { ArgError, VecsError } from '../errors.js'
import { opsClass } from '../measures.js'
import { selectVectorIndexes, type IndexRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import type { Fragment } from '../sql/fragment.js'
import * as statements from '../sql/statements.js'
import type { TableRef } from '../sql/statements.js'
import { warn } from '../warnings.js'
import { defaultLists, IndexArgsHNSW, type IndexArgs } from './args.js'
import { formatBuildNote, parseBuildNote, type BuildNote } from './comment.js'
import { describeIndex, type IndexInfo } from './describe.js'
import { estimateBuildBytes, settingToKb, workMemForBuild } from './memory.js'
import { formatIndexName } from './name.js'
import type { IndexPlan } from './options.js'
import { pollProgress, type ProgressListener } from './progress.js'

/** The collection's vector index with what vecs noted when it built it. */
export interface CurrentIndex {
  readonly info: IndexInfo
  readonly note: BuildNote | null
}

/** The collection's vector index, or null. With several (made by hand), the newest one. */
export async function readIndex(db: Queryable, table: TableRef): Promise<CurrentIndex | null> {
  const rows = await execute<IndexRow>(db, selectVectorIndexes(table.schema, table.name))
  for (const row of rows) {
    const info = describeIndex(row)
    if (info !== null) return { info, note: parseBuildNote(row.comment) }
  }
  return null
}

/**
 * Builds the collection's one vector index. In one transaction it drops the old index and builds
 * the new one, with maintenance_work_mem set for that transaction from an estimate of what the
 * build needs, so a failed build leaves the previous index in place. With `concurrently` on a
 * server it builds beside the old index without blocking writes, then drops the old one.
 */
export async function buildIndex(
  db: Backend,
  table: TableRef,
  plan: IndexPlan,
): Promise<CurrentIndex> {
  const concurrently = plan.concurrently && db.kind === 'postgres'
  const built = concurrently
    ? await db.session((s) => buildConcurrently(db, s, table, plan))
    : await db.transaction((tx) => buildInTransaction(db, tx, table, plan))
  if (built.info.method === 'ivfflat') warnIfLowData(table, built)
  return built
}

async function buildInTransaction(db: Backend, tx: Queryable, table: TableRef, plan: IndexPlan) {
  await execute(tx, statements.lockCollection(table))
  const existing = await existingIndexes(tx, table, plan)
  const { args, note, workMemKb } = await prepare(tx, table, plan)
  await execute(tx, statements.setLocal({ maintenance_work_mem: `${workMemKb}kB` }))
  for (const row of existing) await execute(tx, statements.dropIndex(table, row.name))
  const name = formatIndexName(opsClass(table.type, plan.measure), args)
  await withProgress(db, tx, plan.onProgress, () =>
    create(
      tx,
      statements.createVectorIndex(table, name, opsClass(table.type, plan.measure), args, false),
      plan,
    ),
  )
  await execute(tx, statements.commentOnIndex(table, name, formatBuildNote(note)))
  return (await readIndex(tx, table)) as CurrentIndex
}

async function buildConcurrently(db: Backend, s: Queryable, table: TableRef, plan: IndexPlan) {
  const existing = await existingIndexes(s, table, plan)
  const { args, note, workMemKb } = await prepare(s, table, plan)
  const name = formatIndexName(opsClass(table.type, plan.measure), args)
  await execute(s, statements.setSession('maintenance_work_mem', `${workMemKb}kB`))
  try {
    const statement = statements.createVectorIndex(
      table,
      name,
      opsClass(table.type, plan.measure),
      args,
      true,
    )
    await withProgress(db, s, plan.onProgress, () => create(s, statement, plan))
  } catch (error) {
    // A failed concurrent build leaves an INVALID index behind; the old index is untouched.
    await execute(s, statements.dropIndex(table, name, true)).catch(() => {})
    throw error
  } finally {
    await execute(s, statements.resetSession('maintenance_work_mem')).catch(() => {})
  }
  await execute(s, statements.commentOnIndex(table, name, formatBuildNote(note)))
  for (const row of existing) await execute(s, statements.dropIndex(table, row.name, true))
  return (await readIndex(s, table)) as CurrentIndex
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

/** Rows now, the arguments (IVFFlat lists from the rows when not given) and the memory to ask for. */
async function prepare(db: Queryable, table: TableRef, plan: IndexPlan) {
  const [count] = await execute<{ count: number }>(db, statements.countRows(table))
  const rows = count?.count ?? 0
  const args: IndexArgs =
    plan.args ??
    (plan.method === 'hnsw' ? IndexArgsHNSW() : { method: 'ivfflat', nLists: defaultLists(rows) })
  const [setting] = await execute<{ setting: string }>(
    db,
    statements.selectSetting('maintenance_work_mem'),
  )
  const estimate = estimateBuildBytes({ rows, dimension: table.dimension, type: table.type, args })
  const workMemKb = workMemForBuild(
    estimate,
    settingToKb(setting?.setting ?? '64MB'),
    plan.maxMaintenanceWorkMem,
  )
  const note = { rows, autoLists: plan.method === 'ivfflat' && plan.args === null }
  return { args, note, workMemKb }
}

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

/**
 * Reports build progress. On a server a second connection polls pg_stat_progress_create_index
 * while the build runs; PGlite runs the build on this thread, so it reports the start and the end.
 */
async function withProgress(
  db: Backend,
  build: Queryable,
  listener: ProgressListener | undefined,
  run: () => Promise<void>,
): Promise<void> {
  if (!listener) return run()
  if (db.kind === 'pglite') {
    listener({ phase: 'building index', percent: 0 })
    await run()
    listener({ phase: 'building index', percent: 100 })
    return
  }
  const [row] = await execute<{ pid: number }>(build, statements.selectBackendPid)
  const stop = pollProgress(db, row?.pid as number, listener)
  try {
    await run()
  } finally {
    stop()
  }
  listener({ phase: 'done', percent: 100 })
}

/** IVFFlat trained on fewer than 10 rows a list clusters badly: recall will be poor until a reindex. */
function warnIfLowData(table: TableRef, built: CurrentIndex): void {
  const rows = built.note?.rows ?? 0
  const lists = built.info.method === 'ivfflat' ? built.info.nLists : 0
  if (rows >= 10 * lists) return
  warn(
    'VECS_IVFFLAT_LOW_DATA',
    `IVFFlat index on "${table.name}" was built on ${rows} rows for ${lists} lists: recall will be poor. ` +
      'Build IVFFlat after loading the data (or use HNSW), and reindex() when the collection has grown.',
  )
}
