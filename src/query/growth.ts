import type { Queryable } from '../backend/backend.js'
import { selectRowEstimate } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import type { TableRef } from '../sql/tables.js'
import { reindexAdvice, retuneAdvice, warnAdvice } from '../vector-index/advice.js'
import type { CurrentIndex } from '../vector-index/read.js'

const CHECK_EVERY_MS = 60_000

/**
 * Watches a collection's growth past what its IVFFlat index was trained on or its index was tuned
 * on, from a catalog estimate (no scan), at most once a minute, and warns once
 * (`VECS_REINDEX_ADVISED`, `VECS_RETUNE_ADVISED`).
 */
export function growthWatch(
  db: Queryable,
  table: TableRef,
): (index: CurrentIndex) => Promise<void> {
  let next = 0
  return async (index) => {
    const watched = index.info.method === 'ivfflat' || index.note?.tuning !== undefined
    if (!watched || index.note === null || Date.now() < next) return
    next = Date.now() + CHECK_EVERY_MS
    const [row] = await execute<{ rows: number }>(db, selectRowEstimate(table))
    const advice = row
      ? (reindexAdvice(table.name, row.rows, index, true) ??
        retuneAdvice(table.name, row.rows, index, true))
      : null
    if (advice !== null) warnAdvice(advice, `${table.schema}.${table.name}:${index.info.name}`)
  }
}
