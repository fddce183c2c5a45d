import { checkCallback, checkFlag, checkKeys, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import { checkMeasure, MEASURE_SPECS } from '../measures.js'
import {
  INDEX_METHODS,
  QUANTIZATIONS,
  type IndexMethod,
  type Measure,
  type Quantization,
  type VectorType,
} from '../types.js'
import { IndexArgsHNSW, IndexArgsIVFFlat, type IndexArgs } from './args.js'
import {
  DEFAULT_MAX_MAINTENANCE_WORK_MEM,
  parseMemory,
  storedKey,
  type StoredKey,
} from './memory.js'
import type { IndexProgress } from './progress.js'
import type { CurrentIndex } from './read.js'
import { checkWorkers } from './workers.js'

/** Options of `collection.createIndex`. */
export interface CreateIndexOptions {
  /** `auto` (HNSW), `hnsw` or `ivfflat`. Default `auto`. */
  method?: IndexMethod | undefined
  /** The distance the index serves. Default `cosine_distance`. */
  measure?: Measure | undefined
  /** `IndexArgsHNSW({...})` or `IndexArgsIVFFlat({...})`, matching `method`. Not with `auto`. */
  indexArguments?: IndexArgs | undefined
  /** Replace an existing vector index (default true); false with an index present → ArgError. */
  replace?: boolean | undefined
  /**
   * Server: build with CREATE INDEX CONCURRENTLY, so writes go on during the build (then drop the
   * old index). PGlite has one session and builds normally.
   */
  concurrently?: boolean | undefined
  /** Build progress: the server's phase and percent (PGlite: the start and the end of the build). */
  onProgress?: ((progress: IndexProgress) => void) | undefined
  /**
   * The most `maintenance_work_mem` vecs may set for the build, as bytes or `'512MB'`/`'2GB'`.
   * Default 2GB. vecs asks for what its estimate of the build needs, never more than this.
   */
  maxMaintenanceWorkMem?: number | string | undefined
  /**
   * The recall@10 the index is tuned to after the build (see `collection.tune()`), while measuring
   * costs at most a quarter of the build's time (or two seconds); beyond that the build warns
   * `VECS_RETUNE_ADVISED` and queries keep fixed rules. Default 0.95; null: fixed rules, no tuning.
   */
  targetRecall?: number | null | undefined
  /**
   * Server: the most parallel workers the build may use (`max_parallel_maintenance_workers` for its
   * transaction), 0 to 64. Default: the server's `max_parallel_workers` less one, as the leader
   * builds too; never more than the server lets start. PostgreSQL plans fewer for small tables.
   * PGlite has no workers and builds on one thread.
   */
  parallelWorkers?: number | undefined
  /**
   * How the index stores the vectors (the table is unchanged): `none` (default) as they are;
   * `halfvec` at half precision, half the size, up to 4000 dimensions (a `vector` collection);
   * `binary` one bit a dimension, up to 64,000, searched by Hamming distance for `rerank` times
   * the page and re-ranked by the exact distance.
   */
  quantization?: Quantization | undefined
}

/** What a build needs, checked: a concrete method, a measure it supports, arguments or null for defaults. */
export interface IndexPlan {
  method: 'hnsw' | 'ivfflat'
  measure: Measure
  args: IndexArgs | null
  replace: boolean
  concurrently: boolean
  onProgress: ((progress: IndexProgress) => void) | undefined
  /** Bytes. */
  maxMaintenanceWorkMem: number
  targetRecall: number | null
  /** The parallel workers asked for, or null for the server's budget (see buildWorkers). */
  parallelWorkers: number | null
  quantization: Quantization
}

/** pgvector's limits on indexed dimensions, by what the index stores. */
export const MAX_INDEX_DIMENSIONS = {
  vector: 2000,
  halfvec: 4000,
  bit: 64_000,
} as const satisfies Record<StoredKey, number>

/** Checks every option before any SQL runs. */
export function planIndex(
  options: CreateIndexOptions,
  type: VectorType,
  dimension: number,
): IndexPlan {
  if (typeof options !== 'object' || options === null) {
    throw new ArgError('createIndex takes an options object')
  }
  checkKeys('createIndex', options, CREATE_INDEX_KEYS)
  const requested = options.method ?? 'auto'
  if (!INDEX_METHODS.includes(requested))
    throw new ArgError(`method must be one of ${INDEX_METHODS.join(', ')}`)
  const measure = checkMeasure(options.measure ?? 'cosine_distance')
  const args = options.indexArguments === undefined ? null : checkArgs(options.indexArguments)
  if (args !== null && requested === 'auto') {
    throw new ArgError('index arguments need an explicit method (hnsw or ivfflat), not auto')
  }
  if (args !== null && args.method !== requested) {
    throw new ArgError(`${args.method} arguments were given for a ${requested} index`)
  }
  const method = requested === 'auto' ? 'hnsw' : requested
  if (!(MEASURE_SPECS[measure].methods as readonly string[]).includes(method)) {
    throw new ArgError(`${measure} cannot be indexed with ${method}; use hnsw`)
  }
  const quantization = checkQuantization(options.quantization, type)
  checkIndexableDimension(type, dimension, quantization)
  return {
    method,
    measure,
    args,
    replace: checkFlag('replace', options.replace, true),
    concurrently: checkFlag('concurrently', options.concurrently, false),
    onProgress: checkCallback('onProgress', options.onProgress),
    maxMaintenanceWorkMem:
      options.maxMaintenanceWorkMem === undefined
        ? DEFAULT_MAX_MAINTENANCE_WORK_MEM
        : parseMemory(options.maxMaintenanceWorkMem),
    targetRecall:
      options.targetRecall === null
        ? null
        : checkTargetRecall(options.targetRecall ?? DEFAULT_TARGET_RECALL),
    parallelWorkers: checkWorkers(options.parallelWorkers),
    quantization,
  }
}

export const DEFAULT_TARGET_RECALL = 0.95

export function checkTargetRecall(value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new ArgError(
      'targetRecall must be a number above 0 and below 1 (or null for fixed rules)',
    )
  }
  return value
}

const CREATE_INDEX_KEYS = optionKeys<CreateIndexOptions>()({
  method: true,
  measure: true,
  indexArguments: true,
  replace: true,
  concurrently: true,
  onProgress: true,
  maxMaintenanceWorkMem: true,
  targetRecall: true,
  parallelWorkers: true,
  quantization: true,
})

/**
 * What `reindex()` rebuilds: the current method, measure, quantization and arguments; lists vecs
 * chose are chosen afresh.
 */
export function rebuildOptions(
  current: CurrentIndex | null,
  collection: string,
): Required<Pick<CreateIndexOptions, 'method' | 'measure' | 'replace' | 'quantization'>> &
  Pick<CreateIndexOptions, 'indexArguments'> {
  if (current === null)
    throw new ArgError(`collection "${collection}" has no vector index to rebuild`)
  const { info, note } = current
  const indexArguments =
    info.method === 'hnsw'
      ? IndexArgsHNSW({ m: info.m, efConstruction: info.efConstruction })
      : note?.autoLists
        ? undefined
        : IndexArgsIVFFlat({ nLists: info.nLists })
  const { method, measure, quantization } = info
  return { method, measure, quantization, indexArguments, replace: true }
}

function checkArgs(args: unknown): IndexArgs {
  const given = args as {
    method?: unknown
    m?: number
    efConstruction?: number
    nLists?: number
  } | null
  if (given?.method === 'hnsw') return IndexArgsHNSW(given)
  if (given?.method === 'ivfflat') return IndexArgsIVFFlat({ nLists: given.nLists as number })
  throw new ArgError('indexArguments must come from IndexArgsHNSW() or IndexArgsIVFFlat()')
}

function checkQuantization(value: unknown, type: VectorType): Quantization {
  const quantization = value ?? 'none'
  if (!QUANTIZATIONS.includes(quantization as Quantization))
    throw new ArgError(`quantization must be one of ${QUANTIZATIONS.join(', ')}`)
  if (quantization === 'halfvec' && type === 'halfvec')
    throw new ArgError(
      "the collection already stores halfvec: quantization 'halfvec' is for vector collections",
    )
  return quantization as Quantization
}

function checkIndexableDimension(
  type: VectorType,
  dimension: number,
  quantization: Quantization,
): void {
  const stored = storedKey(type, quantization)
  const max = MAX_INDEX_DIMENSIONS[stored]
  if (dimension <= max) return
  const hint =
    dimension <= MAX_INDEX_DIMENSIONS.halfvec && stored === 'vector'
      ? "; build it with quantization: 'halfvec' to index up to 4000 dimensions"
      : dimension <= MAX_INDEX_DIMENSIONS.bit && stored !== 'bit'
        ? "; build it with quantization: 'binary' to index up to 64000 dimensions"
        : ''
  throw new ArgError(
    `pgvector indexes ${stored} keys of at most ${max} dimensions, this one has ${dimension}${hint}`,
  )
}
