import type { Backend } from './backend/backend.js'
import { adaptQuery, adaptRecords } from './adapt.js'
import type { Adapter } from './adapter/adapter.js'
import { checkFlag, checkInteger } from './checks.js'
import { ArgError } from './errors.js'
import { compileFilter } from './filter/compile.js'
import { parseFilter } from './filter/parse.js'
import { IndexArgsHNSW, IndexArgsIVFFlat } from './index/args.js'
import { buildIndex, readIndex, type CurrentIndex } from './index/manage.js'
import type { IndexInfo } from './index/describe.js'
import { planIndex, type CreateIndexOptions } from './index/options.js'
import { checkQuery, type CheckedQuery } from './query-options.js'
import {
  estimateRows,
  explainSearch,
  planSearch,
  runSearch,
  type NearestRow,
  type SessionDefaults,
} from './search.js'
import { batchesOf, checkIds, encodeRecord, recordParts } from './records.js'
import { execute } from './sql/execute.js'
import { readStats, type CollectionStats } from './stats.js'
import { ident } from './sql/fragment.js'
import * as statements from './sql/statements.js'
import type { TableRef } from './sql/statements.js'
import type {
  FetchedRecord,
  Filter,
  Measure,
  Metadata,
  QueryOptions,
  QueryResult,
  UpsertInput,
  UpsertOptions,
  UpsertRecord,
  Vector,
  VectorType,
} from './types.js'
import { toFloat32, vectorFromText, vectorToBinary } from './vector.js'
import { UPSERT_BATCH_ROWS, writeBatches, writeRows } from './upsert.js'
import { warnOnce } from './warnings.js'

/** What the server's pgvector can do and what its sessions hold, as far as queries care. */
export interface ServerFeatures {
  /** pgvector ≥ 0.8: `hnsw.iterative_scan` and `ivfflat.iterative_scan`. */
  readonly iterativeScans: boolean
  readonly sessionDefaults: SessionDefaults
}

const GROWTH_CHECK_MS = 60_000
const SAMPLE_MAX = 100_000

type NoIncludes = { includeValue?: false; includeMetadata?: false; includeVector?: false }

/** Query options of a collection whose adapter takes media `M`: media, or a vector past the adapter. */
type QueryInput<M> = QueryOptions<M> | (QueryOptions<Vector> & { skipAdapter: true })

/**
 * A collection of `(id, vector, metadata)` records: one table, laid out as Python vecs lays it out.
 * Get one from `client.getOrCreateCollection(name, { dimension })`. With an adapter
 * (`{ adapter }`), `upsert` and `query` take media `M` (text, say) instead of vectors.
 *
 * @example
 * await docs.upsert([['a', [0.1, 0.2, 0.3], { year: 2024 }]])
 * await docs.query({ data: [0.1, 0.2, 0.3], limit: 5 })   // → ['a', …]
 */
export class Collection<M = Vector> {
  readonly name: string
  readonly dimension: number
  readonly type: VectorType
  /** The adapter `upsert` and `query` run media through; null for a plain vector collection. */
  readonly adapter: Adapter<M> | null
  readonly #db: Backend
  readonly #table: TableRef
  readonly #features: ServerFeatures
  #index: IndexCache | undefined
  #nextGrowthCheck = 0

  /** @internal Collections come from a `Client`. */
  constructor(
    db: Backend,
    table: TableRef,
    features: ServerFeatures,
    adapter: Adapter<M> | null = null,
  ) {
    this.#db = db
    this.#table = table
    this.#features = features
    this.name = table.name
    this.dimension = table.dimension
    this.type = table.type
    this.adapter = adapter
  }

  /** The schema the collection's table is in. */
  get schema(): string {
    return this.#table.schema
  }

  /**
   * Inserts records or replaces them by id. Atomic: on any error nothing of this call is written.
   * Duplicate ids within one call: the last one wins. Streams arrays, iterables and async iterables.
   * With an adapter, records hold media and stream through it (chunks get their own ids) unless
   * `skipAdapter: true`, which takes vectors.
   */
  upsert(records: UpsertInput<M>, options?: UpsertOptions): Promise<void>
  upsert(records: UpsertInput, options: UpsertOptions & { skipAdapter: true }): Promise<void>
  async upsert(records: UpsertInput<unknown>, options: UpsertOptions = {}): Promise<void> {
    const dimension = this.dimension
    const encode = (record: UpsertRecord<unknown>) => encodeRecord(recordParts(record), dimension)
    const skipAdapter = checkSkipAdapter(options)
    if (this.adapter !== null && !skipAdapter) records = adaptRecords(this.adapter, records)
    if (Array.isArray(records)) {
      // Already in memory: every record is checked before anything is sent.
      await writeRows(this.#db, this.#table, records.map(encode), options.onProgress)
      return
    }
    const batches = (async function* () {
      for await (const batch of batchesOf(records, UPSERT_BATCH_ROWS)) yield batch.map(encode)
    })()
    await writeBatches(this.#db, this.#table, batches, options.onProgress)
  }

  /** The records with these ids, in the order asked; missing ids are skipped. */
  async fetch(ids: readonly string[]): Promise<FetchedRecord[]> {
    const wanted = checkIds(ids)
    if (wanted.length === 0) return []
    const rows = await execute<{ id: string; vec: string; metadata: Metadata }>(
      this.#db,
      statements.selectByIds(this.#table, wanted),
    )
    const byId = new Map(rows.map((row) => [row.id, row]))
    return [...new Set(wanted)].flatMap((id) => {
      const row = byId.get(id)
      return row ? [{ id, vector: vectorFromText(row.vec), metadata: row.metadata }] : []
    })
  }

  /**
   * Up to `n` records picked evenly from the whole collection, the same ones for the same `seed`:
   * queries for a benchmark, say. Reads every id once.
   */
  async sample(n: number, { seed = 'vecs' }: { seed?: string } = {}): Promise<FetchedRecord[]> {
    checkInteger('sample size', n, { min: 1, max: SAMPLE_MAX })
    if (typeof seed !== 'string') throw new ArgError('seed must be a string')
    const rows = await execute<{ id: string; vec: string; metadata: Metadata }>(
      this.#db,
      statements.selectSample(this.#table, n, seed),
    )
    return rows.map((row) => ({
      id: row.id,
      vector: vectorFromText(row.vec),
      metadata: row.metadata,
    }))
  }

  /** Deletes by ids or by a (non-empty) filter; returns the ids actually deleted. */
  async delete(what: { ids: readonly string[] } | { filters: Filter }): Promise<string[]> {
    const condition = checkDeleteTarget(what)
    const statement =
      'ids' in condition
        ? statements.deleteByIds(this.#table, condition.ids)
        : statements.deleteWhere(this.#table, condition.where)
    if ('ids' in condition && condition.ids.length === 0) return []
    const rows = await execute<{ id: string }>(this.#db, statement)
    return rows.map((row) => row.id)
  }

  /** The number of records. */
  async count(): Promise<number> {
    const [row] = await execute<{ count: number }>(this.#db, statements.countRows(this.#table))
    return row?.count ?? 0
  }

  /**
   * Nearest neighbours of `data`, nearest first: ids, or `{ id, value?, vector?, metadata? }` rows
   * when an include flag is set. `probes` and `efSearch` apply to this query only. With `filters`,
   * the page is full whenever at least `limit` rows match, also through an approximate index.
   * With an adapter, `data` is media that must adapt to exactly one vector (else `ArgError`),
   * unless `skipAdapter: true`, which takes a vector.
   */
  query(options: QueryInput<M> & NoIncludes): Promise<string[]>
  query(options: QueryInput<M>): Promise<QueryResult[]>
  async query(options: QueryOptions<unknown>): Promise<string[] | QueryResult[]> {
    const { plan, checked, index } = await this.#plan(options)
    const rows = await runSearch(this.#db, plan, checked.limit)
    if (index?.info.method === 'ivfflat' && index.note !== null) await this.#adviseReindex(index)
    return shapeResults(rows, checked)
  }

  /**
   * The query plan of exactly the SQL `query(options)` runs, under the same settings: shows
   * whether the vector index is used. `analyze: true` runs the query and adds timings.
   */
  async explain(
    options: QueryInput<M>,
    { analyze = false }: { analyze?: boolean } = {},
  ): Promise<string> {
    checkFlag('analyze', analyze)
    const { plan } = await this.#plan(options)
    return explainSearch(this.#db, plan, analyze)
  }

  /**
   * Builds the collection's vector index (one per collection), replacing the current one unless
   * `replace: false`. `auto` picks HNSW. A failed build leaves the previous index in place.
   */
  async createIndex(options: CreateIndexOptions = {}): Promise<void> {
    const plan = planIndex(options, this.type, this.dimension)
    this.#index = undefined
    this.#index = cacheIndex(Promise.resolve(await buildIndex(this.#db, this.#table, plan)))
  }

  /**
   * Rebuilds the current vector index with its method, measure and arguments; IVFFlat lists that
   * vecs chose are chosen again for today's rows. What to do after `VECS_REINDEX_ADVISED`.
   */
  async reindex(
    options: Omit<CreateIndexOptions, 'method' | 'measure' | 'indexArguments' | 'replace'> = {},
  ): Promise<void> {
    const current = await readIndex(this.#db, this.#table)
    if (current === null)
      throw new ArgError(`collection "${this.name}" has no vector index to rebuild`)
    const { info, note } = current
    const indexArguments =
      info.method === 'hnsw'
        ? IndexArgsHNSW({ m: info.m, efConstruction: info.efConstruction })
        : note?.autoLists
          ? undefined
          : IndexArgsIVFFlat({ nLists: info.nLists })
    await this.createIndex({
      ...options,
      method: info.method,
      measure: info.measure,
      indexArguments,
      replace: true,
    })
  }

  /** The collection's vector index: `{ name, method, measure, ...arguments }`, or null. */
  async getIndex(): Promise<IndexInfo | null> {
    this.#index = cacheIndex(readIndex(this.#db, this.#table))
    return (await this.#index.promise)?.info ?? null
  }

  /**
   * Rows, bytes on disk (table, all indexes, the vector index), the vector index and its build
   * rows, and advice such as a reindex: what `vecs info` prints.
   */
  async stats(): Promise<CollectionStats> {
    return this.#db.transaction((tx) => readStats(tx, this.#table))
  }

  /** Whether the collection's vector index serves `measure`. */
  async isIndexedForMeasure(measure: Measure): Promise<boolean> {
    const index = await this.getIndex()
    return index !== null && index.measure === measure
  }

  /** `vecs.Collection(name="docs", dimension=3)`, as Python vecs prints it. */
  toString(): string {
    return `vecs.Collection(name="${this.name}", dimension=${this.dimension})`
  }

  async #plan(options: QueryOptions<unknown>) {
    const checked = checkQuery(options)
    const data =
      this.adapter !== null && !checked.skipAdapter
        ? await adaptQuery(this.adapter, options.data)
        : this.#vectorData(options.data)
    const vec = vectorToBinary(toFloat32(data, this.dimension))
    // Once the index is known, a query does not wait a turn for it.
    const index = this.#index?.known ? this.#index.known.value : await this.#currentIndex()
    if (!checked.exact && (index === null || index.info.measure !== checked.measure))
      this.#warnNoIndex(checked.measure)
    const plan = planSearch(this.#table, checked, vec, index, this.#features)
    return { plan, checked, index }
  }

  #vectorData(data: unknown): unknown {
    if (this.adapter === null && typeof data === 'string') {
      throw new ArgError(
        `collection "${this.name}" has no adapter: query data must be a vector ` +
          '(create the collection with { adapter } to query by text)',
      )
    }
    return data
  }

  #currentIndex(): Promise<CurrentIndex | null> {
    this.#index ??= cacheIndex(readIndex(this.#db, this.#table))
    return this.#index.promise
  }

  #warnNoIndex(measure: Measure): void {
    warnOnce(
      `${this.schema}.${this.name}:${measure}`,
      'VECS_NO_COVERING_INDEX',
      `Query on collection "${this.name}" has no covering index for ${measure}: it scans every row. ` +
        `See Collection.createIndex({ measure: '${measure}' }).`,
    )
  }

  /**
   * IVFFlat lists fit the rows they were trained on; past twice those rows, recall drops. Checked
   * from a catalog estimate (no scan), at most once a minute per collection object.
   */
  async #adviseReindex(index: CurrentIndex): Promise<void> {
    if (Date.now() < this.#nextGrowthCheck) return
    this.#nextGrowthCheck = Date.now() + GROWTH_CHECK_MS
    const rows = await estimateRows(this.#db, this.#table)
    const built = index.note?.rows ?? 0
    if (rows === null || rows <= 2 * Math.max(built, 1)) return
    warnOnce(
      `${this.schema}.${this.name}:${index.info.name}`,
      'VECS_REINDEX_ADVISED',
      `Collection "${this.name}" has grown from ${built} rows to about ${Math.round(rows)} since its IVFFlat ` +
        'index was built: recall suffers. Rebuild it with collection.reindex().',
    )
  }
}

/** The collection's index as read: the pending read, and its value once it has settled. */
interface IndexCache {
  readonly promise: Promise<CurrentIndex | null>
  known?: { readonly value: CurrentIndex | null }
}

function cacheIndex(promise: Promise<CurrentIndex | null>): IndexCache {
  const cache: IndexCache = { promise }
  promise.then(
    (value) => (cache.known = { value }),
    () => {},
  )
  return cache
}

function shapeResults(rows: NearestRow[], q: CheckedQuery): string[] | QueryResult[] {
  if (!q.includeValue && !q.includeVector && !q.includeMetadata) return rows.map((row) => row.id)
  return rows.map((row) => {
    const result: QueryResult = { id: row.id }
    if (q.includeValue) result.value = row.value as number
    if (q.includeVector) result.vector = vectorFromText(row.vector as string)
    if (q.includeMetadata) result.metadata = row.metadata as Metadata
    return result
  })
}

function checkSkipAdapter(options: UpsertOptions): boolean {
  if (typeof options !== 'object' || options === null) {
    throw new ArgError('upsert options must be an object')
  }
  return checkFlag('skipAdapter', options.skipAdapter ?? false)
}

type DeleteTarget = { ids: string[] } | { where: ReturnType<typeof compileFilter> }

function checkDeleteTarget(what: unknown): DeleteTarget {
  if (typeof what !== 'object' || what === null)
    throw new ArgError('delete takes { ids } or { filters }')
  const hasIds = 'ids' in what && (what as { ids: unknown }).ids !== undefined
  const hasFilters = 'filters' in what && (what as { filters: unknown }).filters !== undefined
  if (hasIds === hasFilters) throw new ArgError('delete takes exactly one of ids or filters')
  if (hasIds) return { ids: checkIds((what as { ids: unknown }).ids) }
  const node = parseFilter((what as { filters: unknown }).filters)
  if (node === null)
    throw new ArgError('delete with an empty filter would delete everything; use ids')
  return { where: compileFilter(node, ident('metadata')) }
}
