import { MEASURE_SPECS } from '../measures.js'
import type { Measure, Quantization } from '../types.js'
import {
  join,
  prefix,
  sql,
  template,
  trusted,
  type CompiledQuery,
  type Fragment,
} from './fragment.js'
import { keyDistance } from './quantized.js'
import { queryParam, queryVectorValue, tableIdent, type TableRef } from './tables.js'

/** What a nearest-neighbour query selects and how. */
export interface NearestQuery {
  readonly vec: Uint8Array
  readonly measure: Measure
  readonly limit: number
  readonly where: Fragment | null
  readonly includeValue: boolean
  readonly includeVector: boolean
  readonly includeMetadata: boolean
  /** Sort again after the scan: an iterative index scan in relaxed order may return rows slightly out of order. */
  readonly resort: boolean
  /**
   * Rank every matching row: the distance is ordered as `(vec <op> $q) + 0`, which no vector index
   * can serve, so the statement needs no planner setting (no transaction to hold one) and the
   * distance is still computed once a row.
   */
  readonly exact: boolean
  /**
   * The index's quantization (see quantized.ts): a quantized scan orders by the index's key, takes
   * `candidates` rows and re-ranks them by the exact distance. `none` for an exact query.
   */
  readonly quantization: Quantization
  /**
   * Whether a quantized scan's candidates are re-ranked by the exact distance. Without, the page is
   * the scan's own order by the key: what a halfvec index gives where no distance is asked for,
   * so that no vector is read from the table.
   */
  readonly rerank: boolean
  /** Rows a quantized scan takes to re-rank: the limit times the re-rank factor. */
  readonly candidates: number
}

/**
 * `SELECT id[, value][, vector][, metadata] … ORDER BY vec <op> $q LIMIT $n`; with `resort`, that
 * query runs in a materialized CTE and its rows are ordered by distance again, as pgvector
 * recommends for `iterative_scan = relaxed_order` (`+ 0`: PostgreSQL 17 and later drop a sort by
 * the very expression the CTE is ordered by, although the scan returned it out of order). A
 * quantized index's scan re-ranked runs in the same CTE, its candidates ordered by exact distance.
 * Metadata comes as jsonb's text, which vecs parses itself so that no number changes on the way.
 */
export function selectNearest(t: TableRef, q: NearestQuery): Fragment {
  const operator = distanceTo(t, q.measure, q.vec)
  const distance = q.exact ? sql`(${operator}) + 0` : operator
  const where = q.where === null ? sql`` : sql`WHERE ${q.where}`
  const quantized = q.quantization !== 'none' && !q.exact
  // A quantized scan orders by the index's key; not re-ranked, it returns no distance (`rerank`).
  const order = quantized ? keyDistance(t, q.measure, q.quantization, q.vec) : distance
  if (quantized && q.rerank) return materialized(t, q, where, order, operator, q.candidates)
  // On a Citus table the coordinator sorts the shards' rows by distance as it merges them, which is
  // the re-sort; a CTE there would be a subplan, its rows sent back to the coordinator once more.
  if (q.resort && t.shards === undefined) return materialized(t, q, where, order, order, null)
  const columns = outputColumns(q, sql`${distance} AS value`, sql`vec AS vector`, metadataText)
  return sql`SELECT ${columns} FROM ${tableIdent(t)} ${where} ORDER BY ${order} LIMIT ${q.limit}`
}

/**
 * The scan in a materialized CTE, ordered by `order`, each row with its `value`; then the page
 * ordered by that value (`+ 0`, as above). A re-ranking scan takes `candidates` rows and keeps the
 * `limit` with the least exact distance; a re-sorting one (null) takes the page itself.
 */
function materialized(
  t: TableRef,
  q: NearestQuery,
  where: Fragment,
  order: Fragment,
  value: Fragment,
  candidates: number | null,
): Fragment {
  const inner = outputColumns(
    { ...q, includeValue: true },
    sql`${value} AS value`,
    sql`vec AS vector`,
    metadataText,
  )
  const page = candidates === null ? sql`` : sql` LIMIT ${q.limit}`
  return sql`WITH hits AS MATERIALIZED (
      SELECT ${inner} FROM ${tableIdent(t)} ${where} ORDER BY ${order} LIMIT ${candidates ?? q.limit})
    SELECT ${outputColumns(q, sql`value`, sql`vector`, sql`metadata`)} FROM hits
    ORDER BY hits.value + 0${page}`
}

/** `vec <op> $q`: each row's distance to the query vector by `measure`'s operator. */
export function distanceTo(t: TableRef, measure: Measure, vec: Uint8Array): Fragment {
  return sql`vec ${trusted(MEASURE_SPECS[measure].operator)} ${queryParam(t, vec)}`
}

/** jsonb as text: node-postgres would JSON.parse it and round integers beyond 2^53. */
export const metadataText = sql`metadata::text AS metadata`

function outputColumns(
  q: NearestQuery,
  value: Fragment,
  vector: Fragment,
  metadata: Fragment,
): Fragment {
  const columns: Fragment[] = [sql`id`]
  if (q.includeValue) columns.push(value)
  if (q.includeVector) columns.push(vector)
  if (q.includeMetadata) columns.push(metadata)
  return join(columns)
}

/** `EXPLAIN [ANALYZE]` of a statement, plan as text lines. */
export function explain(statement: CompiledQuery, analyze: boolean): CompiledQuery {
  return prefix(
    sql`EXPLAIN (ANALYZE ${trusted(analyze ? 'true' : 'false')}, FORMAT TEXT)`,
    statement,
  )
}

/** What a nearest-neighbour statement takes at run time; the rest of it is its shape. */
export type NearestValues = Pick<NearestQuery, 'vec' | 'limit' | 'candidates'>
export type NearestShape = Omit<NearestQuery, keyof NearestValues>

/** `selectNearest` compiled once for a shape; each query only fills in its vector and limit. */
export function nearestTemplate(
  t: TableRef,
  shape: NearestShape,
): (values: NearestValues) => CompiledQuery {
  const fill = template<NearestValues>((slot) =>
    selectNearest(t, {
      ...shape,
      vec: slot('vec'),
      limit: slot('limit'),
      candidates: slot('candidates'),
    }),
  )
  if (t.shards === undefined) return fill
  // The slot takes the vector's text form (see queryVector); the type says bytes, as callers give.
  return (values) => fill({ ...values, vec: queryVectorValue(t, values.vec) as Uint8Array })
}
