import type { Adapter } from '../adapter/adapter.js'
import type { Backend } from '../backend/backend.js'
import { batchesOf } from '../batches.js'
import { checkCallback, checkFlag, checkKeys, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import { stringifyJson } from '../json.js'
import { recordParts, type RecordParts } from '../records/parts.js'
import type { EncodedRow } from '../sql/rows.js'
import type { TableRef } from '../sql/tables.js'
import type { UpsertInput, UpsertOptions, UpsertRecord } from '../types.js'
import { toFloat32, vectorToBinary } from '../vector.js'
import { adaptRecords } from './adapt-records.js'
import { checkRebuild } from './rebuild-rule.js'
import { keepStatistics } from './statistics.js'
import { UPSERT_BATCH_ROWS, writeBatches, writeRows } from './write.js'

/**
 * Upserts records into a collection: through its adapter unless `skipAdapter`, every record
 * checked and encoded, then written atomically. An array is in memory already, so all of it is
 * checked before anything is sent; iterables stream in batches. `onProgress` runs inside the
 * call's transaction: if it throws, the call rejects with that very error and writes nothing. A
 * large write refreshes the planner's statistics after it commits. A write large enough (see
 * rebuild-rule.ts) loads first and rebuilds the vector index after; returns whether it did.
 */
export async function upsertRecords(
  db: Backend,
  table: TableRef,
  adapter: Adapter<unknown> | null,
  records: UpsertInput<unknown>,
  options: UpsertOptions,
): Promise<boolean> {
  if (typeof options !== 'object' || options === null) {
    throw new ArgError('upsert options must be an object')
  }
  checkKeys('upsert', options, UPSERT_KEYS)
  const skipAdapter = checkFlag('skipAdapter', options.skipAdapter)
  const onProgress = checkCallback('onProgress', options.onProgress)
  const rebuild = checkRebuild(options.rebuildIndex)
  if (adapter !== null && !skipAdapter) records = adaptRecords(adapter, records)
  const encode = (record: UpsertRecord<unknown>) => encodeRecord(recordParts(record), table)
  const written = Array.isArray(records)
    ? await writeRows(db, table, records.map(encode), onProgress, rebuild)
    : await writeBatches(db, table, encodedBatches(records, encode), onProgress, rebuild)
  // A rebuild analysed the table already, inside its transaction.
  if (!written.rebuilt) await keepStatistics(db, table, written.rows)
  return written.rebuilt
}

async function* encodedBatches(
  records: UpsertInput<unknown>,
  encode: (record: UpsertRecord<unknown>) => EncodedRow,
): AsyncGenerator<EncodedRow[]> {
  for await (const batch of batchesOf(records, UPSERT_BATCH_ROWS)) yield batch.map(encode)
}

const UPSERT_KEYS = optionKeys<UpsertOptions>()({
  skipAdapter: true,
  onProgress: true,
  rebuildIndex: true,
})

/** A record whose vector is checked against the collection and encoded for SQL. */
function encodeRecord(parts: RecordParts<unknown>, table: TableRef): EncodedRow {
  return {
    id: parts.id,
    vec: vectorToBinary(toFloat32(parts.media, table.dimension)),
    metadata: stringifyJson(parts.metadata),
  }
}
