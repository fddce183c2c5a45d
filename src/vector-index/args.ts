import { checkInteger } from '../checks.js'
import { ArgError } from '../errors.js'

/** HNSW build arguments. pgvector's defaults: m = 16, ef_construction = 64. */
export interface IndexArgsHNSW {
  readonly method: 'hnsw'
  readonly m: number
  readonly efConstruction: number
}

/** IVFFlat build arguments: the number of lists (clusters). */
export interface IndexArgsIVFFlat {
  readonly method: 'ivfflat'
  readonly nLists: number
}

export type IndexArgs = IndexArgsHNSW | IndexArgsIVFFlat

/** Bounds pgvector enforces, checked before any SQL so the error is ours and clear. */
/** The most pgvector takes for `hnsw.ef_search` (the query-time candidate list). */
export const MAX_EF_SEARCH = 1000

/** pgvector's default `hnsw.max_scan_tuples`, and the most a filtered query raises it to. */
const PGVECTOR_MAX_SCAN_TUPLES = 20_000
const MAX_SCAN_TUPLES = 1_000_000

/**
 * `hnsw.max_scan_tuples` for a filtered query: room for twice the rows it takes to fill the page
 * at the `share` of the rows the filter matches (pgvector's 20,000 serve a page of 10 down to a
 * share of 0.1%); an iterative scan that stops short leaves the page to an exact search.
 */
export function filteredScanTuples(limit: number, share: number): number {
  const tuples = Math.ceil((2 * limit) / Math.max(share, 1e-9))
  return Math.min(MAX_SCAN_TUPLES, Math.max(PGVECTOR_MAX_SCAN_TUPLES, tuples))
}

export const INDEX_BOUNDS = {
  m: { min: 2, max: 100, default: 16 },
  efConstruction: { min: 4, max: 1000, default: 64 },
  nLists: { min: 1, max: 32768 },
} as const

/**
 * HNSW arguments: `IndexArgsHNSW({ m: 8 })`. `m` 2..100 (default 16), `efConstruction` 4..1000 and at
 * least 2·m (default 64).
 */
export function IndexArgsHNSW(
  options: { m?: number; efConstruction?: number } = {},
): IndexArgsHNSW {
  const m = checkInteger('m', options.m ?? INDEX_BOUNDS.m.default, INDEX_BOUNDS.m)
  const efConstruction = checkInteger(
    'efConstruction',
    options.efConstruction ?? INDEX_BOUNDS.efConstruction.default,
    INDEX_BOUNDS.efConstruction,
  )
  if (efConstruction < 2 * m) throw new ArgError('efConstruction must be at least 2 * m')
  return { method: 'hnsw', m, efConstruction }
}

/** IVFFlat arguments: `IndexArgsIVFFlat({ nLists: 100 })`, 1..32768 lists. */
export function IndexArgsIVFFlat(options: { nLists: number }): IndexArgsIVFFlat {
  return { method: 'ivfflat', nLists: checkInteger('nLists', options?.nLists, INDEX_BOUNDS.nLists) }
}

/**
 * Default IVFFlat lists for a collection of `rows` rows: rows / 1000 (at least 30) below 1M rows,
 * sqrt(rows) from 1M rows, as pgvector recommends and Python vecs does.
 */
export function defaultLists(rows: number): number {
  return rows < 1_000_000 ? Math.max(Math.floor(rows / 1000), 30) : Math.floor(Math.sqrt(rows))
}

/** The arguments as pgvector's storage options: `WITH (m = 16, ef_construction = 64)`, `WITH (lists = 100)`. */
export function storageOptions(args: IndexArgs): Record<string, number> {
  return args.method === 'hnsw'
    ? { m: args.m, ef_construction: args.efConstruction }
    : { lists: args.nLists }
}
