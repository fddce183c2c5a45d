import type { CurrentIndex, IndexInfo } from '../../src/vector-index/read.js'
import type { BuildNote } from '../../src/vector-index/note.js'

/** A collection's table as the planner's unit tests see it: 2-dimension vectors in vecs.docs. */
export const TABLE = { schema: 'vecs', name: 'docs', dimension: 2, type: 'vector' as const }

/** pgvector's default HNSW index (m 16, ef_construction 64) for cosine distance, as vecs reads it. */
export const HNSW_INFO: IndexInfo = {
  name: 'ix',
  method: 'hnsw',
  measure: 'cosine_distance',
  quantization: 'none',
  m: 16,
  efConstruction: 64,
}

/** The default HNSW index with what vecs noted at its build (null: none). */
export function hnswIndex(note: BuildNote | null = null): CurrentIndex {
  return { info: HNSW_INFO, note }
}
