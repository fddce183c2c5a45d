import type { Backend, Queryable } from '../backend/backend.js'
import { VecsError } from '../errors.js'
import { indexOpsClass } from '../measures.js'
import type { Fragment } from '../sql/fragment.js'
import { execute } from '../sql/execute.js'
import { createVectorIndex } from '../sql/indexes.js'
import { indexKey } from '../sql/quantized.js'
import { countRows } from '../sql/rows.js'
import {
  selectParallelBudget,
  selectSetting,
  settingsOn,
  type LocalSettings,
} from '../sql/settings.js'
import type { TableRef } from '../sql/tables.js'
import { defaultLists, IndexArgsHNSW, storageOptions, type IndexArgs } from './args.js'
import type { IndexPlan } from './index-options.js'
import { estimateBuildBytes, settingToKb, storedKey, workMemForBuild } from './memory.js'
import { formatIndexName } from './name.js'
import { buildWorkers, type ParallelBudget } from './workers.js'

/**
 * Rows now, the arguments (IVFFlat lists from the rows when not given), the statement, the note
 * kept in the index's comment, and the settings for the build: the memory to ask for, and on a
 * server the parallel workers it may use. On a Citus table each shard gets an index of its own,
 * built from the shard's rows: lists and memory are sized for the largest shard to expect, and
 * the settings reach the shards' builds (`citus.propagate_set_commands`, in a transaction).
 */
export async function prepareBuild(
  backend: Backend,
  db: Queryable,
  table: TableRef,
  plan: IndexPlan,
  concurrently: boolean,
) {
  const [count] = await execute<{ count: number }>(db, countRows(table))
  const rows = count?.count ?? 0
  const perIndex = table.shards === undefined ? rows : largestShard(rows, table.shards)
  const args: IndexArgs =
    plan.args ??
    (plan.method === 'hnsw'
      ? IndexArgsHNSW()
      : { method: 'ivfflat', nLists: defaultLists(perIndex) })
  const [setting] = await execute<{ setting: string }>(db, selectSetting('maintenance_work_mem'))
  const estimate = estimateBuildBytes({
    rows: perIndex,
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
  const own: BuildSettings = { maintenance_work_mem: `${workMemKb}kB` }
  if (budget !== undefined) own.max_parallel_maintenance_workers = String(workers)
  // A concurrent build sets them for its session, which Citus does not pass on (see README).
  const settings: BuildSettings = concurrently ? own : settingsOn(table, own)
  return {
    name,
    args,
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

export type BuildSettings = Pick<
  LocalSettings,
  'maintenance_work_mem' | 'max_parallel_maintenance_workers' | 'citus.propagate_set_commands'
>

/**
 * The rows of the largest of `shards` shards to expect, `rows` hashed among them: the mean and
 * `3 + sqrt(2 ln shards)` standard deviations of one shard's share (binomial), since the largest
 * of many shards strays further than one does; no more than all the rows.
 */
export function largestShard(rows: number, shards: number): number {
  const mean = rows / shards
  const spread = 3 + Math.sqrt(2 * Math.log(shards))
  return Math.min(rows, Math.ceil(mean + spread * Math.sqrt(mean * (1 - 1 / shards))))
}

/** Runs the CREATE INDEX, turning pgvector's out-of-memory refusal into advice. */
export async function runBuildStatement(
  db: Queryable,
  statement: Fragment,
  plan: Pick<IndexPlan, 'maxMaintenanceWorkMem'>,
): Promise<void> {
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
