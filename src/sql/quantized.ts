import { MEASURE_SPECS } from '../measures.js'
import type { Measure, Quantization } from '../types.js'
import { int, sql, trusted, type Fragment } from './fragment.js'
import { queryParam, queryVector, type TableRef } from './tables.js'

/**
 * What a vector index is built on: the column itself, or an expression of it that stores less.
 * A query must order by exactly this expression for the planner to use the index, and its text is
 * what PostgreSQL prints for the index's key (`pg_get_indexdef`), which tells vecs' indexes apart.
 * - `halfvec`: `vec::halfvec(d)`, each value at half precision;
 * - `binary`: `binary_quantize(vec)::bit(d)`, one bit a dimension (set where the value is positive).
 */
export function indexKey(t: Pick<TableRef, 'dimension'>, quantization: Quantization): Fragment {
  if (quantization === 'halfvec') return sql`(vec::halfvec(${int(t.dimension)}))`
  if (quantization === 'binary') return sql`(binary_quantize(vec)::bit(${int(t.dimension)}))`
  return sql`vec`
}

/** The query vector as the index key has it. */
function queryKey(t: TableRef, quantization: Quantization, vec: Uint8Array): Fragment {
  if (quantization === 'halfvec') return sql`${queryVector(t, vec)}::halfvec(${int(t.dimension)})`
  if (quantization === 'binary')
    return sql`binary_quantize(${queryParam(t, vec)})::bit(${int(t.dimension)})`
  return queryParam(t, vec)
}

/**
 * The distance an index scan orders by: the measure's operator on the key, or the Hamming
 * distance (`<~>`) between bit keys, whichever measure the index re-ranks by.
 */
export function keyDistance(
  t: TableRef,
  measure: Measure,
  quantization: Quantization,
  vec: Uint8Array,
): Fragment {
  const operator = quantization === 'binary' ? '<~>' : MEASURE_SPECS[measure].operator
  return sql`${indexKey(t, quantization)} ${trusted(operator)} ${queryKey(t, quantization, vec)}`
}
