import { ArgError } from '../errors.js'
import type { NearestQuery } from '../sql/nearest.js'
import { MAX_EF_SEARCH } from './args.js'
import type { IndexInfo } from './read.js'

/**
 * The re-rank factor of a binary index where neither the query nor a tuning says: the candidates
 * its Hamming scan takes, as a multiple of the page (measured: bench/quantized.ts).
 */
export const DEFAULT_BINARY_RERANK = 10

/**
 * The rows a quantized index scan takes to re-rank by the exact distance:
 * - a `rerank` the query gives: that many pages;
 * - halfvec: the page (half precision orders rows almost as the vectors do), re-sorted by the
 *   exact distance where the query asks for distances, else left in the index's order so that no
 *   vector is read from the table (see NearestQuery.rerank);
 * - binary HNSW: the ef_search the query runs with, which is tuned for it (see `tune()`), so that
 *   tuning chooses the candidates; untuned that is 10 pages (see `binaryEfSearch`);
 * - binary IVFFlat: 10 pages (tuning chooses its probes).
 */
export function candidatesFor(
  index: IndexInfo,
  limit: number,
  rerank: number | undefined,
  efSearch: number | undefined,
): number {
  if (rerank !== undefined) return limit * rerank
  if (index.quantization === 'halfvec') return limit
  if (index.method === 'hnsw' && efSearch !== undefined) return Math.max(limit, efSearch)
  return limit * DEFAULT_BINARY_RERANK
}

/**
 * How tuning scans an index at one value of its setting (ef_search or probes): as a query with
 * distances runs, a quantized index's candidates re-ranked (for HNSW, as many as ef_search).
 */
export function scanAt(
  index: IndexInfo,
  limit: number,
  setting: number,
): Pick<NearestQuery, 'quantization' | 'rerank' | 'candidates'> {
  const ef = index.method === 'hnsw' ? setting : undefined
  return {
    quantization: index.quantization,
    rerank: true,
    candidates: candidatesFor(index, limit, undefined, ef),
  }
}

/** An untuned binary HNSW index's ef_search: room for its default candidates. */
export function binaryEfSearch(limit: number): number {
  return Math.min(MAX_EF_SEARCH, Math.max(40, limit * DEFAULT_BINARY_RERANK))
}

/** `rerank` re-ranks a quantized index's candidates: asked of any other index, it is an error. */
export function checkRerank(rerank: number | undefined, index: IndexInfo | null): void {
  if (rerank === undefined || index?.quantization === 'halfvec' || index?.quantization === 'binary')
    return
  throw new ArgError(
    "rerank re-ranks the candidates of a quantized index (quantization 'binary' or 'halfvec'): this collection's vector index is not quantized",
  )
}
