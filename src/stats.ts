import type { Queryable } from './backend/backend.js'
import { selectSizes } from './sql/catalog.js'
import { execute } from './sql/execute.js'
import { countRows } from './sql/rows.js'
import type { TableRef } from './sql/tables.js'
import { readTextIndex } from './text-search/text-index.js'
import type { TextIndexInfo } from './text-types.js'
import { adviseIndex, type Advice } from './vector-index/advice.js'
import { readIndex, tuningOf, type IndexInfo, type IndexTuning } from './vector-index/read.js'

/** What `collection.stats()` tells: rows, bytes on disk, the vector index, and advice. */
export interface CollectionStats {
  rows: number
  /** The table's heap and TOAST. */
  tableBytes: number
  /** All the table's indexes: primary key, metadata GIN and the vector index. */
  indexBytes: number
  /** The vector index alone; null without one. */
  vectorIndexBytes: number | null
  index: IndexInfo | null
  /** Rows the collection had when vecs built its vector index; null if vecs did not build it. */
  rowsAtIndexBuild: number | null
  /**
   * The most parallel workers the server ran at once for that build (0 on PGlite, which has none);
   * null where vecs did not build it or could not watch the build (inside your own transaction).
   */
  workersAtIndexBuild: number | null
  /** The index's tuned query setting and the recall measured at it; null when not tuned. */
  tuning: IndexTuning | null
  /** What to do about the index, under the codes of the warnings that say the same. */
  advice: Advice[]
  /** The text index (`createTextIndex`): its metadata key and language; null without one. */
  textIndex: TextIndexInfo | null
  /** The text index alone; null without one. */
  textIndexBytes: number | null
  /** Sharded by Citus: its shard count (the sizes above are summed over the shards); else null. */
  distributed: { shardCount: number } | null
}

/** Reads a collection's stats in one transaction, so rows, sizes and index agree. */
export async function readStats(tx: Queryable, table: TableRef): Promise<CollectionStats> {
  const [count] = await execute<{ count: number }>(tx, countRows(table))
  const [sizes] = await execute<{
    tableBytes: number
    indexBytes: number
    vectorIndexBytes: number | null
  }>(tx, selectSizes(table))
  const index = await readIndex(tx, table)
  const text = await readTextIndex(tx, table)
  const rows = count?.count ?? 0
  return {
    rows,
    tableBytes: sizes?.tableBytes ?? 0,
    indexBytes: sizes?.indexBytes ?? 0,
    vectorIndexBytes: sizes?.vectorIndexBytes ?? null,
    index: index?.info ?? null,
    rowsAtIndexBuild: index?.note?.rows ?? null,
    workersAtIndexBuild: index?.note?.workers ?? null,
    tuning: tuningOf(index),
    advice: adviseIndex(table.name, rows, index),
    textIndex: text === null ? null : { name: text.name, key: text.key, language: text.language },
    textIndexBytes: text?.bytes ?? null,
    distributed: table.shards === undefined ? null : { shardCount: table.shards },
  }
}
