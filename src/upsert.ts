import type { Backend, Queryable } from './backend/backend.js'
import { copyStream } from './copy-binary.js'
import { copyIn, execute } from './sql/execute.js'
import {
  copyIntoStage,
  createStage,
  insertStage,
  mergeStage,
  upsertRows,
  type EncodedRow,
  type TableRef,
} from './sql/statements.js'

/**
 * Rows per batch: one statement with Buffer parameters for a write that fits in one batch (far below
 * the 65535-parameter limit), one binary COPY per batch into the staging table for larger writes.
 */
export const UPSERT_BATCH_ROWS = 2000

/**
 * Writes a stream of encoded batches atomically. One batch goes in as one statement with binary
 * Buffer parameters; more are streamed by binary COPY into a temporary table and merged by one
 * statement at the end (the fastest way into PostgreSQL). Either way the last duplicate
 * of an id wins, rows reach the collection in id order (so concurrent writers never deadlock on
 * shared ids), and an error anywhere leaves the collection as it was.
 */
export async function writeBatches(
  db: Backend,
  table: TableRef,
  batches: AsyncIterator<EncodedRow[]>,
  onProgress: ((rows: number) => void) | undefined,
): Promise<number> {
  const first = await batches.next()
  if (first.done) return 0
  const second = await batches.next()
  if (second.done) {
    const rows = lastOfEachId(first.value)
    await execute(db, upsertRows(table, rows))
    onProgress?.(first.value.length)
    return first.value.length
  }
  return db.transaction((tx) =>
    stageAndMerge(tx, db, table, [first.value, second.value], batches, onProgress),
  )
}

async function stageAndMerge(
  tx: Queryable,
  db: Backend,
  table: TableRef,
  head: EncodedRow[][],
  rest: AsyncIterator<EncodedRow[]>,
  onProgress: ((rows: number) => void) | undefined,
): Promise<number> {
  await execute(tx, createStage(table))
  let written = 0
  const stage = async (batch: EncodedRow[]) => {
    if (db.copySource === null) await execute(tx, insertStage(table, batch, written))
    else await copyIn(tx, copyIntoStage(db.copySource), copyStream(batch, written))
    written += batch.length
    onProgress?.(written)
  }
  for (const batch of head) await stage(batch)
  for (let next = await rest.next(); !next.done; next = await rest.next()) await stage(next.value)
  await execute(tx, mergeStage(table))
  return written
}

/** Keeps the last row of each id, in first-seen order. */
function lastOfEachId(rows: readonly EncodedRow[]): EncodedRow[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()]
}
