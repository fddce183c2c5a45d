import { randomHex } from '../random-hex.js'
import type { IndexArgs } from './args.js'

/**
 * Index names as Python vecs writes them, so either library finds the other's indexes:
 * `ix_vector_cosine_ops_hnsw_m16_efc64_1a2b3c4`, `ix_vector_l2_ops_ivfflat_nl100_1a2b3c4`.
 */
export function formatIndexName(opsClass: string, args: IndexArgs): string {
  const params =
    args.method === 'hnsw' ? `m${args.m}_efc${args.efConstruction}` : `nl${args.nLists}`
  return `ix_${opsClass}_${args.method}_${params}_${randomHex(7)}`
}
