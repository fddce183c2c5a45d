import type { Queryable } from './backend/backend.js'
import type { IndexInfo } from './index/describe.js'
import { readIndex, type CurrentIndex } from './index/manage.js'
import { selectSizes } from './sql/catalog.js'
import { execute } from './sql/execute.js'
import * as statements from './sql/statements.js'
import type { TableRef } from './sql/statements.js'
import type { WarningCode } from './warnings.js'

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
  /** What to do about the index, under the codes of the warnings that say the same. */
  advice: Advice[]
}

export interface Advice {
  code: WarningCode
  message: string
}

/** Reads a collection's stats in one transaction, so rows, sizes and index agree. */
export async function readStats(tx: Queryable, table: TableRef): Promise<CollectionStats> {
  const [count] = await execute<{ count: number }>(tx, statements.countRows(table))
  const [sizes] = await execute<{
    tableBytes: number
    indexBytes: number
    vectorIndexBytes: number | null
  }>(tx, selectSizes(table.schema, table.name))
  const index = await readIndex(tx, table)
  const rows = count?.count ?? 0
  return {
    rows,
    tableBytes: sizes?.tableBytes ?? 0,
    indexBytes: sizes?.indexBytes ?? 0,
    vectorIndexBytes: sizes?.vectorIndexBytes ?? null,
    index: index?.info ?? null,
    rowsAtIndexBuild: index?.note?.rows ?? null,
    advice: adviseIndex(rows, index),
  }
}

/**
 * The same rules as the warnings: no index means every query scans every row; IVFFlat trained on
 * fewer than 10 rows a list, or on less than half today's rows, has poor recall until rebuilt.
 */
export function adviseIndex(rows: number, index: CurrentIndex | null): Advice[] {
  if (index === null) {
    return rows === 0
      ? []
      : [
          {
            code: 'VECS_NO_COVERING_INDEX',
            message: `no vector index: every query ranks all ${rows} rows; build one with createIndex()`,
          },
        ]
  }
  const built = index.note?.rows
  if (index.info.method !== 'ivfflat' || built === undefined) return []
  if (rows > 2 * Math.max(built, 1)) {
    return [
      {
        code: 'VECS_REINDEX_ADVISED',
        message: `the IVFFlat index was built on ${built} rows and the collection has ${rows}: rebuild it with reindex()`,
      },
    ]
  }
  if (built < 10 * index.info.nLists) {
    return [
      {
        code: 'VECS_IVFFLAT_LOW_DATA',
        message: `the IVFFlat index was built on ${built} rows for ${index.info.nLists} lists: recall is poor until reindex()`,
      },
    ]
  }
  return []
}
