import type { Queryable } from '../backend/backend.js'
import { selectRowEstimate } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import { sampleMatches } from '../sql/rows.js'
import type { TableRef } from '../sql/tables.js'
import type { CurrentIndex } from '../vector-index/read.js'
import type { ServerFeatures } from './plan.js'
import type { CheckedQuery, QueryFilter } from './query-options.js'

/** Rows an estimate counts: a filter matching 0.1% is about 2 of them, one matching 1% about 20. */
const SAMPLE_ROWS = 2000
/** How long an estimate is kept, and for how many filters. */
const KEEP_MS = 60_000
const KEEP_FILTERS = 256

/** The share of a collection's rows a filter matches, and the rows it has (estimates). */
export interface Selectivity {
  readonly share: number
  readonly rows: number
}

/**
 * Estimates what share of the collection a filter matches, from a sample of the table's pages
 * (`TABLESAMPLE SYSTEM`, about 2,000 rows, the same pages every time; all rows of a smaller
 * table), so that a filtered query can scan as far as its filter needs. An estimate is kept for a
 * minute per filter (its SQL and values), for the 256 filters used last: a filter an application
 * repeats costs its sample once a minute, not once a query. A filter that matches no sampled row
 * is taken to match half a row of the sample.
 */
export function selectivityEstimator(
  db: Queryable,
  table: TableRef,
): (filter: QueryFilter) => Promise<Selectivity> {
  const kept = new Map<string, { readonly selectivity: Selectivity; readonly at: number }>()
  return async ({ condition, key }) => {
    const known = kept.get(key)
    if (known !== undefined && Date.now() - known.at < KEEP_MS) return known.selectivity
    const [estimate] = await execute<{ rows: number }>(db, selectRowEstimate(table))
    const rows = Math.max(0, estimate?.rows ?? 0)
    const percent = rows <= SAMPLE_ROWS ? 100 : (100 * SAMPLE_ROWS) / rows
    const [counted] = await execute<{ matched: number; sampled: number }>(
      db,
      sampleMatches(table, condition, percent),
    )
    const sampled = counted?.sampled ?? 0
    const share = sampled === 0 ? 1 : Math.max(counted?.matched ?? 0, 0.5) / sampled
    const selectivity = { share: Math.min(1, share), rows }
    kept.delete(key)
    kept.set(key, { selectivity, at: Date.now() })
    if (kept.size > KEEP_FILTERS) kept.delete(kept.keys().next().value as string)
    return selectivity
  }
}

/**
 * The share of rows the query's filter matches, where it sizes an index scan: a filtered query
 * through the index, with pgvector's iterative scans and no setting of the user's; else null.
 */
export async function filterShare(
  estimate: (filter: QueryFilter) => Promise<Selectivity>,
  q: CheckedQuery,
  index: CurrentIndex | null,
  features: ServerFeatures,
): Promise<number | null> {
  const { filter } = q
  const sized =
    filter !== null &&
    !q.exact &&
    features.iterativeScans &&
    index !== null &&
    index.info.measure === q.measure &&
    q.efSearch === undefined &&
    q.probes === undefined
  if (!sized) return null
  return (await estimate(filter)).share
}
