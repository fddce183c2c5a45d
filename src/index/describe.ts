import { measureOfOpsClass } from '../measures.js'
import type { IndexRow } from '../sql/catalog.js'
import type { Measure } from '../types.js'
import { INDEX_BOUNDS } from './args.js'

/** A collection's vector index, as `getIndex()` returns it. */
export type IndexInfo =
  | { name: string; method: 'hnsw'; measure: Measure; m: number; efConstruction: number }
  | { name: string; method: 'ivfflat'; measure: Measure; nLists: number }

/** pgvector's own default when an IVFFlat index was built without `lists`. */
const PGVECTOR_DEFAULT_LISTS = 100

/**
 * Reads an index from the catalog: method from its access method, measure from its ops class,
 * arguments from its storage options (pgvector's defaults where none were given). Null for an
 * ops class vecs does not know.
 */
export function describeIndex(row: IndexRow): IndexInfo | null {
  const measure = measureOfOpsClass(row.opsClass)
  if (measure === null) return null
  const options = parseOptions(row.options)
  if (row.method === 'hnsw') {
    return {
      name: row.name,
      method: 'hnsw',
      measure,
      m: options.get('m') ?? INDEX_BOUNDS.m.default,
      efConstruction: options.get('ef_construction') ?? INDEX_BOUNDS.efConstruction.default,
    }
  }
  if (row.method === 'ivfflat') {
    return {
      name: row.name,
      method: 'ivfflat',
      measure,
      nLists: options.get('lists') ?? PGVECTOR_DEFAULT_LISTS,
    }
  }
  return null
}

function parseOptions(options: readonly string[] | null): Map<string, number> {
  const parsed = new Map<string, number>()
  for (const option of options ?? []) {
    const [key, value] = option.split('=')
    if (key !== undefined && value !== undefined && /^\d+$/.test(value))
      parsed.set(key, Number(value))
  }
  return parsed
}
