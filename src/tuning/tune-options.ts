import { checkCallback, checkKeys, checkInteger, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import type { Vector } from '../types.js'
import { toFloat32 } from '../vector.js'
import { checkTargetRecall, DEFAULT_TARGET_RECALL } from '../vector-index/index-options.js'
import type { IndexProgress } from '../vector-index/progress.js'

/** Options of `collection.tune`. */
export interface TuneOptions {
  /** The recall@limit to reach, above 0 and below 1. Default 0.95. */
  targetRecall?: number | undefined
  /**
   * How many queries to make from the collection's own rows (default 200), or the queries
   * themselves: vectors like those your users send, the most faithful measure.
   */
  queries?: number | readonly Vector[] | undefined
  /** The page size to tune for (larger pages scale the setting up). Default 10. */
  limit?: number | undefined
  /** Tuning progress: sampling, exact search (percent), each setting measured. */
  onProgress?: ((progress: IndexProgress) => void) | undefined
}

export interface TunePlan {
  readonly targetRecall: number
  readonly queries: number | readonly Float32Array[]
  readonly limit: number
  readonly onProgress: ((progress: IndexProgress) => void) | undefined
}

const DEFAULT_QUERIES = 200
const DEFAULT_LIMIT = 10

const TUNE_KEYS = optionKeys<TuneOptions>()({
  targetRecall: true,
  queries: true,
  limit: true,
  onProgress: true,
})

export function planTune(options: TuneOptions, dimension: number): TunePlan {
  if (typeof options !== 'object' || options === null) {
    throw new ArgError('tune takes an options object')
  }
  checkKeys('tune', options, TUNE_KEYS)
  return {
    targetRecall: checkTargetRecall(options.targetRecall ?? DEFAULT_TARGET_RECALL),
    queries: Array.isArray(options.queries)
      ? checkQueryVectors(options.queries, dimension)
      : checkInteger('queries', options.queries ?? DEFAULT_QUERIES, { min: 10, max: 10_000 }),
    limit: checkInteger('limit', options.limit ?? DEFAULT_LIMIT, { min: 1, max: 1000 }),
    onProgress: checkCallback('onProgress', options.onProgress),
  }
}

function checkQueryVectors(queries: readonly unknown[], dimension: number): Float32Array[] {
  if (queries.length < 10 || queries.length > 10_000) {
    throw new ArgError('queries must hold from 10 to 10000 vectors')
  }
  return queries.map((q) => toFloat32(q, dimension))
}
