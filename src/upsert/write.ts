import type { Backend, CopySource, Queryable } from '../backend/backend.js'
import { syncBatches } from '../batches.js'
import { copyIn, execute } from '../sql/execute.js'
import {
  copyIntoStage,
  copyIntoTable,
  rollbackToSavepoint,
  savepoint,
  createStage,
  dropStage,
  insertStage,
  upsertRows,
  type EncodedRow,
} from '../sql/rows.js'
import type { TableRef } from '../sql/tables.js'
import type { CurrentIndex } from '../vector-index/read.js'
import { copyStream } from './copy-binary.js'
import { indexToRebuild, mergeStaged } from './merge-staged.js'
import type { RebuildChoice } from './rebuild-rule.js'

/** What a write did: rows sent (duplicates of an id included), and whether it rebuilt the index. */
export interface Written {
  readonly rows: number
  readonly rebuilt: boolean
}

/**
 * Rows per batch: one statement with binary parameters for a write that fits in one batch (far
 * below the 65535-parameter limit), one binary COPY per batch into the staging table for larger
 * writes.
 */
export const UPSERT_BATCH_ROWS = 2000

/**
 * Writes a stream of encoded batches atomically. One batch goes in as one statement with binary
 * parameters; more are streamed by binary COPY into a temporary table and merged by one
 * statement at the end (the fastest way into PostgreSQL). Either way the last duplicate
 * of an id wins, rows reach the collection in id order (so concurrent writers never deadlock on
 * shared ids), and an error anywhere leaves the collection as it was.
 */
export async function writeBatches(
  db: Backend,
  table: TableRef,
  batches: AsyncIterator<EncodedRow[]> | Iterator<EncodedRow[]>,
  onProgress: ((rows: number) => void) | undefined,
  rebuild: RebuildChoice,
): Promise<Written> {
  const first = await batches.next()
  if (first.done) return { rows: 0, rebuilt: false }
  const second = await batches.next()
  if (second.done && rebuild !== true) {
    return { rows: await writeOneBatch(db, table, first.value, onProgress), rebuilt: false }
  }
  const head = second.done ? [first.value] : [first.value, second.value]
  return db.transaction((tx) =>
    stageAndMerge(tx, db, table, head, batches, onProgress, (staged) =>
      indexToRebuild(tx, table, staged, rebuild),
    ),
  )
}

/**
 * One batch is one statement. With `onProgress` it runs in a transaction, so that the callback, which
 * reports a write that is not committed yet, can still undo it by throwing.
 */
async function writeOneBatch(
  db: Backend,
  table: TableRef,
  batch: EncodedRow[],
  onProgress: ((rows: number) => void) | undefined,
): Promise<number> {
  const statement = upsertRows(table, lastOfEachId(batch))
  if (onProgress === undefined) {
    await execute(db, statement)
    return batch.length
  }
  return db.transaction(async (tx) => {
    await execute(tx, statement)
    onProgress(batch.length)
    return batch.length
  })
}

async function stageAndMerge(
  tx: Queryable,
  db: Backend,
  table: TableRef,
  head: EncodedRow[][],
  rest: AsyncIterator<EncodedRow[]> | Iterator<EncodedRow[]>,
  onProgress: ((rows: number) => void) | undefined,
  toRebuild: (staged: number) => Promise<CurrentIndex | null>,
): Promise<Written> {
  await execute(tx, createStage(table))
  let written = 0
  const stage = async (batch: EncodedRow[]) => {
    if (db.capabilities.copySource === null) await execute(tx, insertStage(batch, written))
    else await copyIn(tx, copyIntoStage(db.capabilities.copySource), copyStream(batch, written))
    written += batch.length
    onProgress?.(written)
  }
  for (const batch of head) await stage(batch)
  for (let next = await rest.next(); !next.done; next = await rest.next()) await stage(next.value)
  const rebuilt = await mergeStaged(db, tx, table, written, await toRebuild(written))
  await execute(tx, dropStage)
  return { rows: written, rebuilt }
}

/**
 * Writes rows that are all in memory (the caller passed an array). When they are more than one
 * batch, their ids are unique, and the backend can COPY, they are copied straight into the
 * collection, sorted bytewise by id, inside a savepoint: the fastest way in, with the same lock
 * order as every other path. If an id exists already (or another writer inserts it first), the
 * savepoint is rolled back and the rows go through the staging table and merge as usual, as they
 * do when the index is to be rebuilt after them.
 */
export async function writeRows(
  db: Backend,
  table: TableRef,
  rows: EncodedRow[],
  onProgress: ((rows: number) => void) | undefined,
  rebuild: RebuildChoice,
): Promise<Written> {
  const source = db.capabilities.copySource
  // Citus reports a unique violation inside a COPY to a shard as an internal error, which cannot
  // be told from others: a distributed table takes the staging table.
  const direct =
    source !== null &&
    table.type === 'vector' &&
    table.shards === undefined &&
    rows.length > UPSERT_BATCH_ROWS
  if (!direct || new Set(rows.map((row) => row.id)).size !== rows.length) {
    return writeBatches(db, table, syncBatches(rows, UPSERT_BATCH_ROWS), onProgress, rebuild)
  }
  const sorted = sortById(rows)
  // The rows are all here: whether to rebuild is known before they are staged.
  const staged = (tx: Queryable, current: CurrentIndex | null) =>
    stageAndMerge(tx, db, table, [], syncBatches(sorted, UPSERT_BATCH_ROWS), onProgress, () =>
      Promise.resolve(current),
    )
  return db.transaction(async (tx) => {
    const current = await indexToRebuild(tx, table, sorted.length, rebuild)
    if (current !== null) return staged(tx, current)
    await execute(tx, savepoint)
    try {
      await copyDirect(tx, source, table, sorted, onProgress)
      return { rows: sorted.length, rebuilt: false }
    } catch (error) {
      if (!NOT_ALL_NEW.has((error as { code?: string }).code ?? '')) throw error
      await execute(tx, rollbackToSavepoint)
      return staged(tx, null)
    }
  })
}

/** unique_violation: an id exists; deadlock_detected: cannot happen with one lock order, kept as a net. */
const NOT_ALL_NEW = new Set(['23505', '40P01'])

async function copyDirect(
  tx: Queryable,
  source: Exclude<CopySource, null>,
  table: TableRef,
  rows: EncodedRow[],
  onProgress: ((rows: number) => void) | undefined,
): Promise<void> {
  let written = 0
  for (const batch of syncBatches(rows, UPSERT_BATCH_ROWS)) {
    await copyIn(tx, copyIntoTable(table, source), copyStream(batch, null))
    written += batch.length
    onProgress?.(written)
  }
}

/** Bytewise by UTF-8, as the "C" collation orders them. */
function sortById(rows: EncodedRow[]): EncodedRow[] {
  const encoder = new TextEncoder()
  const keyed = rows.map((row) => ({ row, key: encoder.encode(row.id) }))
  keyed.sort((a, b) => compareBytes(a.key, b.key))
  return keyed.map((k) => k.row)
}

/** Unsigned byte by byte; a prefix sorts first. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const shorter = Math.min(a.length, b.length)
  for (let i = 0; i < shorter; i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  return a.length - b.length
}

/** Keeps the last row of each id, in first-seen order. */
function lastOfEachId(rows: readonly EncodedRow[]): EncodedRow[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()]
}
