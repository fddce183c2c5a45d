import type { Backend, Queryable } from '../backend/backend.js'
import { randomHex } from '../random-hex.js'
import { sleep } from '../sleep.js'
import { selectRowEstimate } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import { dropIndex } from '../sql/indexes.js'
import { mergeStage } from '../sql/rows.js'
import {
  commentOnTable,
  copyKeptRows,
  createShadow,
  lockForLoad,
  lockForSwap,
  releaseSwapSavepoint,
  renameIndex,
  renameTable,
  rollbackToSwapSavepoint,
  selectLoadObstacles,
  selectLockTimeout,
  selectSameAccess,
  selectTableExtras,
  selectTwinIndexes,
  setLockTimeout,
  setTableOptions,
  swapSavepoint,
} from '../sql/shadow.js'
import { analyzeTable, dropTable, type TableRef } from '../sql/tables.js'
import { warnOnce } from '../warnings.js'
import { readIndex, type CurrentIndex } from '../vector-index/read.js'
import { buildAfterLoad } from '../vector-index/rebuild.js'
import { waitForOtherBuilds } from '../vector-index/watch.js'
import { rebuildPays, type RebuildChoice } from './rebuild-rule.js'

/**
 * Moves the staged rows into the collection, and says whether its vector index was rebuilt. Given
 * the index to rebuild (see `indexToRebuild`), the rows do not go through it one by one:
 * - one session (PGlite): the transaction drops the index, merges, and builds the same index; no
 *   one else can read in between;
 * - a server: the rows load beside the table (see sql/shadow.ts), so readers keep the old table
 *   and index until the new ones replace them at commit. Where the table cannot be copied without
 *   losing something (a view on it, say), the rows go through the index, with a warning.
 * Either way a failure rolls everything back with the transaction.
 */
export async function mergeStaged(
  db: Backend,
  tx: Queryable,
  table: TableRef,
  written: number,
  current: CurrentIndex | null,
): Promise<boolean> {
  if (current === null) {
    await execute(tx, mergeStage(table))
    return false
  }
  await waitForOtherBuilds(tx, table, 'transaction', undefined)
  if (!db.capabilities.concurrentBuilds) {
    await execute(tx, dropIndex(table, current.info.name))
    await execute(tx, mergeStage(table))
    await buildAfterLoad(db, tx, table, current)
    await execute(tx, analyzeTable(table))
    return true
  }
  await execute(tx, lockForLoad(table))
  const obstacle = await loadBeside(db, tx, table, current)
  if (obstacle === null) return true
  warnOnce(
    `${table.schema}.${table.name}:${obstacle}`,
    'VECS_LOADED_THROUGH_INDEX',
    `upsert into "${table.name}": ${written} rows went into the vector index one by one, because ` +
      `${obstacle}; vecs loads first and builds the index after only where it can copy the table.`,
  )
  await execute(tx, mergeStage(table))
  return false
}

/**
 * The index to rebuild after a write of `written` rows, or null to write through it: where the
 * collection has a vector index and building it after the load is the cheaper way (`choice`, see
 * rebuild-rule.ts). A write too small for the rule whatever the rows there reads no catalog.
 */
export async function indexToRebuild(
  tx: Queryable,
  table: TableRef,
  written: number,
  choice: RebuildChoice,
): Promise<CurrentIndex | null> {
  if (choice === false || (choice === 'auto' && !rebuildPays(written, 0))) return null
  const current = await readIndex(tx, table)
  if (current === null || choice === true) return current
  const [estimate] = await execute<{ rows: number }>(tx, selectRowEstimate(table))
  return rebuildPays(written, estimate?.rows ?? 0) ? current : null
}

/**
 * Loads the table's kept rows and the staged rows into a copy of the table, builds the index
 * there, and swaps the copy in; the caller holds the load lock. Returns null when done, or why the
 * table cannot be copied (then nothing was changed).
 */
async function loadBeside(
  db: Backend,
  tx: Queryable,
  table: TableRef,
  current: CurrentIndex,
): Promise<string | null> {
  const [blocked] = await execute<{ reason: string }>(tx, selectLoadObstacles(table))
  if (blocked !== undefined) return blocked.reason
  const [extras] = await execute<{ options: string[] | null; comment: string | null }>(
    tx,
    selectTableExtras(table),
  )
  const options = (extras?.options ?? []).map(plainOption)
  if (options.includes(null)) return 'it has storage options vecs cannot copy'
  const shadow: TableRef = { ...table, name: `_vecs_load_${randomHex(7)}` }
  await execute(tx, createShadow(table, shadow))
  const twins = await execute<{ original: string; twin: string | null }>(
    tx,
    selectTwinIndexes(table, shadow),
  )
  const [access] = await execute<{ same: boolean }>(tx, selectSameAccess(table, shadow))
  const problem =
    access?.same !== true
      ? 'a copy would not have its owner and privileges'
      : twins.some((t) => t.twin === null)
        ? 'it has an index vecs cannot copy'
        : null
  if (problem !== null) {
    await execute(tx, dropTable(shadow))
    return problem
  }
  if (options.length > 0) await execute(tx, setTableOptions(shadow, options as [string, string][]))
  if (extras?.comment != null) await execute(tx, commentOnTable(shadow, extras.comment))
  const copies = twins.filter((t) => t.original !== current.info.name)
  const indexCopy = twins.find((t) => t.original === current.info.name)?.twin as string
  await execute(tx, dropIndex(shadow, indexCopy))
  await execute(tx, copyKeptRows(table, shadow))
  await execute(tx, mergeStage(shadow))
  await buildAfterLoad(db, tx, shadow, current)
  await execute(tx, analyzeTable(shadow))
  await lockWithoutQueueing(tx, table)
  await execute(tx, dropTable(table))
  await execute(tx, renameTable(shadow, table.name))
  for (const { original, twin } of copies)
    await execute(tx, renameIndex(table, twin as string, original))
  return null
}

/** Takes the table to itself for the swap, without making readers queue (see sql/shadow.ts). */
async function lockWithoutQueueing(tx: Queryable, table: TableRef): Promise<void> {
  const [timeout] = await execute<{ value: string }>(tx, selectLockTimeout)
  for (let attempt = 0; ; attempt++) {
    await execute(tx, swapSavepoint)
    try {
      await execute(tx, setLockTimeout(SWAP_LOCK_TIMEOUT))
      await execute(tx, lockForSwap(table))
      await execute(tx, setLockTimeout(timeout?.value ?? '0'))
      await execute(tx, releaseSwapSavepoint)
      return
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error
      await execute(tx, rollbackToSwapSavepoint)
      await sleep(Math.min(SWAP_RETRY_MAX_MS, SWAP_RETRY_MS * 2 ** attempt))
    }
  }
}

const SWAP_LOCK_TIMEOUT = '200ms'
const SWAP_RETRY_MS = 50
const SWAP_RETRY_MAX_MS = 1000
/** lock_not_available: the lock timeout ran out. */
const LOCK_NOT_AVAILABLE = '55P03'

/** A storage option as `[name, value]` if both are plain words and numbers, else null. */
function plainOption(option: string): [string, string] | null {
  const parts = /^([a-z_][a-z0-9_]*)=([A-Za-z0-9_.-]+)$/.exec(option)
  return parts === null ? null : [parts[1] as string, parts[2] as string]
}
