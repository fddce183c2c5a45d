import { randomBytes } from 'node:crypto'
import type { IndexArgs } from './args.js'

/**
 * Index names as Python vecs writes them, so either library finds the other's indexes:
 * `ix_vector_cosine_ops_hnsw_m16_efc64_1a2b3c4`, `ix_vector_l2_ops_ivfflat_nl100_1a2b3c4`.
 */
export function formatIndexName(opsClass: string, args: IndexArgs): string {
  const params =
    args.method === 'hnsw' ? `m${args.m}_efc${args.efConstruction}` : `nl${args.nLists}`
  return `ix_${opsClass}_${args.method}_${params}_${randomBytes(4).toString('hex').slice(0, 7)}`
}

/** Reads a name written by `formatIndexName` (or by Python vecs); null for any other name. */
export function parseIndexName(name: string): { opsClass: string; args: IndexArgs } | null {
  const hnsw = /^ix_(\w+?_ops)_hnsw_m(\d+)_efc(\d+)_[0-9a-z_]{7}$/.exec(name)
  if (hnsw) {
    return {
      opsClass: hnsw[1]!,
      args: { method: 'hnsw', m: Number(hnsw[2]), efConstruction: Number(hnsw[3]) },
    }
  }
  const ivf = /^ix_(\w+?_ops)_ivfflat_nl(\d+)_[0-9a-z_]{7}$/.exec(name)
  if (ivf) return { opsClass: ivf[1]!, args: { method: 'ivfflat', nLists: Number(ivf[2]) } }
  return null
}
