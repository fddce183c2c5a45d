import { performance } from 'node:perf_hooks'
import type { Adapter } from './adapter/adapter.js'
import type { Backend } from './backend/backend.js'
import { checkFlag, checkInteger } from './checks.js'
import { ArgError } from './errors.js'
import { compileFilter } from './filter/compile.js'
import { adaptQuery, vectorData } from './query/adapt-query.js'
import { growthWatch } from './query/growth.js'
import { checkQuery, type AnyQueryOptions } from './query/query-options.js'
import { planSearch, type ServerFeatures } from './query/plan.js'
import { recordFromRow, shapeResults } from './query/results.js'
import { explainSearch, runSearch } from './query/run.js'
import { filterShare, selectivityEstimator } from './query/selectivity.js'
import { checkDeleteTarget } from './delete/target.js'
import { checkIds } from './records/parts.js'
import { execute } from './sql/execute.js'
import { ident } from './sql/fragment.js'
import { countRows, deleteByIds, deleteWhere, selectByIds, selectSample } from './sql/rows.js'
import type { TableRef } from './sql/tables.js'
import { readStats, type CollectionStats } from './stats.js'
import { validateRecords, type MetadataSchema } from './records/metadata-schema.js'
import type {
  FetchedRecord,
  Filter,
  Measure,
  Metadata,
  QueryOptions,
  QueryOutput,
  QueryResult,
  UpsertInput,
  UpsertOptions,
  Vector,
  VectorType,
} from './types.js'
import { upsertRecords } from './upsert/upsert.js'
import { warnNoCoveringIndex } from './vector-index/advice.js'
import { buildIndex } from './vector-index/build.js'
import { planIndex, rebuildOptions, type CreateIndexOptions } from './vector-index/index-options.js'
import {
  readIndex,
  type CurrentIndex,
  type IndexInfo,
  type IndexTuning,
} from './vector-index/read.js'
import { tuneAfterBuild, tuneCollection } from './tuning/index-tuning.js'
import { cacheIndex, type IndexCache } from './vector-index/index-cache.js'
import type { TuneOptions } from './tuning/tune-options.js'
import { toFloat32, vectorToBinary } from './vector.js'

const SAMPLE_MAX = 100_000

/** Query options of a collection whose adapter takes media `M`: media, or a vector past the adapter. */
type QueryInput<M, Meta> =
  QueryOptions<M, Meta> | (QueryOptions<Vector, Meta> & { skipAdapter: true })

type StoredRow = { id: string; vec: string; metadata: string }

/**
 * A collection of `(id, vector, metadata)` records: one table, laid out as Python vecs lays it out.
 * Get one from `client.getOrCreateCollection(name, { dimension })`. With an adapter
 * (`{ adapter }`), `upsert` and `query` take media `M` (text, say) instead of vectors. `Meta` types
 * the metadata (`getOrCreateCollection<Meta>`): upserts, results and filters.
 *
 * @example
 * await docs.upsert([['a', [0.1, 0.2, 0.3], { year: 2024 }]])
 * await docs.query({ data: [0.1, 0.2, 0.3], limit: 5 })   // → ['a', …]
 */
export class Collection<Meta extends object = Metadata, M = Vector> {
  readonly name: string
  readonly dimension: number
  readonly type: VectorType
  /** The adapter `upsert` and `query` run media through; null for a plain vector collection. */
  readonly adapter: Adapter<M> | null
  readonly #schema: MetadataSchema | null
  readonly #db: Backend
  readonly #table: TableRef
  readonly #features: ServerFeatures
  readonly #watchGrowth: (index: CurrentIndex) => Promise<void>
  readonly #selectivity: ReturnType<typeof selectivityEstimator>
  #index: IndexCache | undefined

  /** @internal Collections come from a `Client`. */
  constructor(
    db: Backend,
    table: TableRef,
    features: ServerFeatures,
    adapter: Adapter<M> | null = null,
    schema: MetadataSchema | null = null,
  ) {
    this.#schema = schema
    this.#db = db
    this.#table = table
    this.#features = features
    this.#watchGrowth = growthWatch(db, table)
    this.#selectivity = selectivityEstimator(db, table)
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
  upsert(records: UpsertInput<M, Meta>, options?: UpsertOptions): Promise<void>
  upsert(
    records: UpsertInput<Vector, Meta>,
    options: UpsertOptions & { skipAdapter: true },
  ): Promise<void>
  async upsert(records: UpsertInput<unknown, unknown>, options: UpsertOptions = {}): Promise<void> {
    // Metadata is checked as JSON when each record is encoded; a schema checks its shape first.
    const given = records as UpsertInput<unknown>
    const checked = this.#schema === null ? given : await validateRecords(given, this.#schema)
    await upsertRecords(this.#db, this.#table, this.adapter, checked, options)
  }

  /** The records with these ids, in the order asked; missing ids are skipped. */
  async fetch(ids: readonly string[]): Promise<FetchedRecord<Meta>[]> {
    const wanted = checkIds(ids)
    if (wanted.length === 0) return []
    const rows = await execute<StoredRow>(this.#db, selectByIds(this.#table, wanted))
    const byId = new Map(rows.map((row) => [row.id, row]))
    return [...new Set(wanted)].flatMap((id) => {
      const row = byId.get(id)
      return row ? [recordFromRow(row) as FetchedRecord<Meta>] : []
    })
  }

  /**
   * Up to `n` records picked evenly from the whole collection, the same ones for the same `seed`:
   * queries for a benchmark, say. Reads every id once.
   */
  async sample(
    n: number,
    { seed = 'vecs' }: { seed?: string } = {},
  ): Promise<FetchedRecord<Meta>[]> {
    checkInteger('sample size', n, { min: 1, max: SAMPLE_MAX })
    if (typeof seed !== 'string') throw new ArgError('seed must be a string')
    const rows = await execute<StoredRow>(this.#db, selectSample(this.#table, n, seed))
    return rows.map(recordFromRow) as FetchedRecord<Meta>[]
  }

  /** Deletes by ids or by a (non-empty) filter; returns the ids actually deleted. */
  async delete(what: { ids: readonly string[] } | { filters: Filter<Meta> }): Promise<string[]> {
    const target = checkDeleteTarget(what)
    if ('ids' in target && target.ids.length === 0) return []
    const statement =
      'ids' in target
        ? deleteByIds(this.#table, target.ids)
        : deleteWhere(this.#table, compileFilter(target.filter, ident('metadata')))
    const rows = await execute<{ id: string }>(this.#db, statement)
    return rows.map((row) => row.id)
  }

  /** The number of records. */
  async count(): Promise<number> {
    const [row] = await execute<{ count: number }>(this.#db, countRows(this.#table))
    return row?.count ?? 0
  }

  /**
   * Nearest neighbours of `data`, nearest first: ids, or `{ id, value?, vector?, metadata? }` rows
   * when an include flag is set. `probes` and `efSearch` apply to this query only. With `filters`,
   * the page is full whenever at least `limit` rows match, also through an approximate index.
   * With an adapter, `data` is media that must adapt to exactly one vector (else `ArgError`),
   * unless `skipAdapter: true`, which takes a vector.
   */
  query<O extends QueryInput<M, Meta>>(options: O): Promise<QueryOutput<O, Meta>>
  async query(options: AnyQueryOptions): Promise<unknown[]> {
    const { plan, checked, index } = await this.#plan(options)
    const rows = await runSearch(this.#db, plan, checked.limit, this.#features)
    if (index !== null) await this.#watchGrowth(index)
    return shapeResults(rows, checked)
  }

  /**
   * The query plan of exactly the SQL `query(options)` runs, under the same settings: shows
   * whether the vector index is used. `analyze: true` runs the query and adds timings.
   */
  async explain(
    options: QueryInput<M, Meta>,
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
    const started = performance.now()
    const built = await buildIndex(this.#db, this.#table, plan)
    this.#index = cacheIndex(Promise.resolve(built))
    const { iterativeScans } = this.#features
    const buildMs = performance.now() - started
    const tuned = await tuneAfterBuild(this.#db, this.#table, built, plan, buildMs, iterativeScans)
    this.#index = cacheIndex(Promise.resolve(tuned))
  }

  /**
   * Measures the vector index against exact search on queries sampled from the collection (each
   * query's own row left out) and keeps the cheapest `ef_search` (HNSW) or `probes` (IVFFlat)
   * whose recall@limit, less a margin for sampling error, reaches `targetRecall`. The setting is
   * kept with the index (every client, every restart) and is the query default from then on.
   */
  async tune(options: TuneOptions = {}): Promise<IndexTuning> {
    this.#index = undefined
    return tuneCollection(this.#db, this.#table, options, this.#features.iterativeScans)
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
    await this.createIndex({ ...options, ...rebuildOptions(current) })
  }

  /** The collection's vector index: `{ name, method, measure, ...arguments }`, or null. */
  async getIndex(): Promise<IndexInfo | null> {
    this.#index = this.#readIndex()
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

  async #plan(options: AnyQueryOptions) {
    const checked = checkQuery(options)
    const data =
      this.adapter !== null && !checked.skipAdapter
        ? await adaptQuery(this.adapter, options.data)
        : vectorData(this.name, this.adapter, options.data)
    const vec = vectorToBinary(toFloat32(data, this.dimension))
    // Once the index is known, a query does not wait a turn for it.
    const index = this.#index?.known ? this.#index.known.value : await this.#currentIndex()
    if (!checked.exact && (index === null || index.info.measure !== checked.measure))
      warnNoCoveringIndex(this.schema, this.name, checked.measure)
    const share = await filterShare(this.#selectivity, checked, index, this.#features)
    const plan = planSearch(this.#table, checked, vec, index, this.#features, share)
    return { plan, checked, index }
  }

  #currentIndex(): Promise<CurrentIndex | null> {
    this.#index ??= this.#readIndex()
    return this.#index.promise
  }

  /** Reads the index into the cache; a read that fails (a lost connection) is not kept. */
  #readIndex(): IndexCache {
    const cache = cacheIndex(readIndex(this.#db, this.#table))
    cache.promise.catch(() => {
      if (this.#index === cache) this.#index = undefined
    })
    return cache
  }
}
