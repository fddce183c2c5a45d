import { MAX_EF_SEARCH } from './args.js'
import type { Queryable } from '../backend/backend.js'
import { indexOpsClass, measureOfOpsClass } from '../measures.js'
import { compile } from '../sql/fragment.js'
import { indexKey } from '../sql/quantized.js'
import { selectVectorIndexes, type IndexRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import type { TableRef } from '../sql/tables.js'
import { QUANTIZATIONS, type Measure, type Quantization } from '../types.js'
import { INDEX_BOUNDS } from './args.js'
import { parseBuildNote, type BuildNote } from './note.js'

/** A collection's vector index, as `getIndex()` returns it. */
export type IndexInfo = {
  name: string
  measure: Measure
  /** How the index stores the vectors (see `createIndex`): `none` for the column as it is. */
  quantization: Quantization
} & ({ method: 'hnsw'; m: number; efConstruction: number } | { method: 'ivfflat'; nLists: number })

/** The collection's vector index with what vecs noted when it built it. */
export interface CurrentIndex {
  readonly info: IndexInfo
  readonly note: BuildNote | null
}

/** The collection's valid vector index, or null. With several (made by hand), the newest one. */
export async function readIndex(db: Queryable, table: TableRef): Promise<CurrentIndex | null> {
  const rows = await execute<IndexRow>(db, selectVectorIndexes(table.schema, table.name))
  for (const row of rows) {
    const note = parseBuildNote(row.comment)
    const info = indexFromRow(row, table, note)
    if (info !== null) return { info, note }
  }
  return null
}

/** pgvector's own default when an IVFFlat index was built without `lists`. */
const PGVECTOR_DEFAULT_LISTS = 100

/**
 * An index as the catalog shows it: method from its access method, quantization from what it is
 * built on, measure from its ops class (a binary index's from its note, else cosine), arguments
 * from its storage options (pgvector's defaults where none were given). Null for an index vecs'
 * queries cannot use: an ops class it does not know, or an expression other than its own.
 */
export function indexFromRow(
  row: IndexRow,
  column: Pick<TableRef, 'type' | 'dimension'>,
  note: BuildNote | null,
): IndexInfo | null {
  const quantization = quantizationOf(row.key, column)
  if (quantization === null) return null
  const measure =
    quantization === 'binary'
      ? (note?.measure ?? 'cosine_distance')
      : measureOfOpsClass(row.opsClass)
  // The ops class a build of this kind would have given it (a binary one: Hamming distance).
  if (measure === null || indexOpsClass(column.type, measure, quantization) !== row.opsClass)
    return null
  const options = parseOptions(row.options)
  const base = { name: row.name, measure, quantization }
  if (row.method === 'hnsw') {
    return {
      ...base,
      method: 'hnsw',
      m: options.get('m') ?? INDEX_BOUNDS.m.default,
      efConstruction: options.get('ef_construction') ?? INDEX_BOUNDS.efConstruction.default,
    }
  }
  if (row.method === 'ivfflat') {
    return { ...base, method: 'ivfflat', nLists: options.get('lists') ?? PGVECTOR_DEFAULT_LISTS }
  }
  return null
}

/**
 * The quantization whose index key (see sql/quantized.ts) PostgreSQL prints as `key`; null for
 * another expression, and for a halfvec key on a halfvec column, which vecs never builds.
 */
function quantizationOf(
  key: string,
  column: Pick<TableRef, 'type' | 'dimension'>,
): Quantization | null {
  const found = QUANTIZATIONS.find((q) => compile(indexKey(column, q)).text === key)
  return found === undefined || (found === 'halfvec' && column.type === 'halfvec') ? null : found
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

/** How a collection's index is tuned, as `stats()` and `tune()` tell it. */
export interface IndexTuning {
  /** The setting tuned: `hnsw.ef_search` for HNSW, `ivfflat.probes` for IVFFlat. */
  setting: 'hnsw.ef_search' | 'ivfflat.probes'
  /** Its value: the query default (a query's own `efSearch` / `probes` wins). */
  value: number
  /**
   * True where the planner would leave the index for a sequential scan at this value, and the index
   * measured faster: unfiltered queries then run with `enable_seqscan = off`.
   */
  forceIndex: boolean
  targetRecall: number
  /** Mean recall@limit measured at `value` against exact search on the sample. */
  recall: number
  /** Whether the recall, less its sampling margin, reached the target. */
  reached: boolean
  /** Sample queries measured and the page size they asked for. */
  queries: number
  limit: number
  /** Rows the collection had when it was measured. */
  rows: number
  /** When, as an ISO 8601 time. */
  measuredAt: string
  /**
   * Filtered queries measured at the same target with a stand-in filter (a hash of the ids)
   * matching a share of the rows: for each share, the setting that reached it (null: none up to
   * pgvector's ceiling did, so filters that sparse run as exact searches), its mean recall and
   * query time; and the time of an exact filtered search that reads the whole table. Null where
   * the collection was too small or pgvector too old (before 0.8) to measure. `complete` is false
   * where a build's tuning ran out of its budget first: the shares left out scan by rule until
   * `tune()` measures them (vecs advises it).
   */
  filtered: {
    shares: { share: number; value: number | null; recall: number; ms: number }[]
    exactMs: number
    complete: boolean
  } | null
}

/** The pgvector setting a query of this index method tunes. */
export function searchSetting(method: IndexInfo['method']): 'hnsw.ef_search' | 'ivfflat.probes' {
  return method === 'hnsw' ? 'hnsw.ef_search' : 'ivfflat.probes'
}

export function tuningOf(index: CurrentIndex | null): IndexTuning | null {
  const t = index?.note?.tuning
  if (index === null || t === undefined) return null
  const ceiling = index.info.method === 'hnsw' ? MAX_EF_SEARCH : index.info.nLists
  return {
    setting: searchSetting(index.info.method),
    value: t.setting,
    forceIndex: t.forceIndex,
    targetRecall: t.target,
    recall: t.recall,
    reached: t.reached,
    queries: t.queries,
    limit: t.limit,
    rows: t.rows,
    measuredAt: t.at,
    filtered:
      t.filtered === undefined
        ? null
        : {
            shares: t.filtered.points.map((p) => ({
              share: p.share,
              value: p.scale === null ? null : Math.min(ceiling, Math.ceil(t.setting * p.scale)),
              recall: p.recall,
              ms: p.ms,
            })),
            exactMs: t.filtered.exactMs,
            complete: t.filtered.complete,
          },
  }
}
