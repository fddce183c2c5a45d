import type { IndexInfo } from '../index.js'

/** `hnsw cosine_distance m=16 ef_construction=64`, or `none`. */
export function describeIndex(index: IndexInfo | null): string {
  if (index === null) return 'none'
  const args =
    index.method === 'hnsw'
      ? `m=${index.m} ef_construction=${index.efConstruction}`
      : `lists=${index.nLists}`
  return `${index.method} ${index.measure} ${args}`
}
