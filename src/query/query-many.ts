import { ArgError } from '../errors.js'
import type { QueryOptions, Vector } from '../types.js'
import { checkQuery, type AnyQueryOptions, type CheckedQuery } from './query-options.js'

/** Options of `queryMany` on a collection whose adapter takes media `M`. */
export type QueryManyOptions<M, Meta> =
  | (Omit<QueryOptions<M, Meta>, 'data'> & { data: readonly M[] })
  | (Omit<QueryOptions<Vector, Meta>, 'data'> & { data: readonly Vector[]; skipAdapter: true })

/** The most inputs one `queryMany` call takes: more is a loop of calls, by the caller. */
export const QUERY_MANY_MAX = 10_000

/**
 * Splits `queryMany` options into the list of inputs and the options every query shares, checked
 * once (with the first input) before any query runs, so that a bad option is one error and a
 * filter is parsed and compiled once for all the inputs.
 */
export function splitQueryMany(options: unknown): {
  inputs: readonly unknown[]
  checked: CheckedQuery | null
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ArgError('queryMany takes an options object')
  const { data, ...shared } = options as AnyQueryOptions
  if (!Array.isArray(data) || data.some((item) => typeof item === 'number')) {
    throw new ArgError(
      'queryMany needs data: a list of queries, e.g. [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]',
    )
  }
  if (data.length > QUERY_MANY_MAX)
    throw new ArgError(`queryMany takes at most ${QUERY_MANY_MAX} queries at once`)
  return {
    inputs: data,
    checked: data.length > 0 ? checkQuery({ ...shared, data: data[0] }) : null,
  }
}
