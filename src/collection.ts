import { performance } from 'node:perf_hooks'
import type { Adapter } from './adapter/adapter.js'
import type { Backend } from './backend/backend.js'
import { checkFlag } from './checks.js'
import { ArgError } from './errors.js'
import { adaptQuery, vectorData } from './query/adapt-query.js'
import { growthWatch } from './query/growth.js'
import { checkQuery, type AnyQueryOptions } from './query/query-options.js'
import { planSearch, type ServerFeatures } from './query/plan.js'
import { shapeResults } from './query/results.js'
import { explainSearch, runSearch } from './query/run.js'
import { filterShare, selectivityEstimator } from './query/selectivity.js'
import type { TableRef } from './sql/tables.js'
import { readStats, type CollectionStats } from './stats.js'
import { validateRecords, type MetadataSchema } from './records/metadata-schema.js'
import { deleteRecords } from './delete/delete-records.js'
import { countRecords, fetchRecords, listRecords, sampleRecords } from './records/reading.js'
import { updateMetadata } from './records/metadata-update.js'
import type {
  CountOptions,
  FetchedRecord,
  ListOptions,
  Page,
  UpdateMetadataOptions,
  Filter,
  Measure,
  Metadata,
  QueryOptions,
  QueryOutput,
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

/** Query options of a collection whose adapter takes media `M`: media, or a vector past the adapter. */
type QueryInput<M, Meta> =
  QueryOptions<M, Meta> | (QueryOptions<Vector, Meta> & { skipAdapter: true })

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
    const given = records as UpsertInput<unknown>
    const checked = this.#schema === null ? given : await validateRecords(given, this.#schema)
    await upsertRecords(this.#db, this.#table, this.adapter, checked, options)
  }

  /** The records with these ids, in the order asked; missing ids are skipped. */
  async fetch(ids: readonly string[]): Promise<FetchedRecord<Meta>[]> {
    return (await fetchRecords(this.#db, this.#table, ids)) as FetchedRecord<Meta>[]
  }

  /**
   * Up to `n` records picked evenly from the whole collection, the same ones for the same `seed`:
   * queries for a benchmark, say. Reads every id once.
   */
  async sample(
    n: number,
    { seed = 'vecs' }: { seed?: string } = {},
  ): Promise<FetchedRecord<Meta>[]> {
    return (await sampleRecords(this.#db, this.#table, n, seed)) as FetchedRecord<Meta>[]
  }

  /** Deletes by ids or by a (non-empty) filter; returns the ids actually deleted. */
  async delete(what: { ids: readonly string[] } | { filters: Filter<Meta> }): Promise<string[]> {
    return deleteRecords(this.#db, this.#table, what)
  }

  /** The number of records, or of those `filters` matches. */
  async count(options?: CountOptions<Meta>): Promise<number> {
    return countRecords(this.#db, this.#table, options)
  }

  /**
   * A page of records (those `filters` matches) in id order, and the `cursor` of the next page
   * (null after the last): `list({ cursor })` resumes after this page whatever was written since.
   */
  async list(options?: ListOptions<Meta>): Promise<Page<FetchedRecord<Meta>>> {
    return (await listRecords(this.#db, this.#table, options)) as Page<FetchedRecord<Meta>>
  }

  /** Every record (that `filters` matches), page by page: `for await (const r of docs.scan())`. */
  async *scan(
    options: Omit<ListOptions<Meta>, 'cursor'> = {},
  ): AsyncGenerator<FetchedRecord<Meta>> {
    let cursor: string | null = null
    do {
      const page: Page<FetchedRecord<Meta>> = await this.list({ ...options, cursor })
      yield* page.records
      cursor = page.cursor
    } while (cursor !== null)
  }

  /**
   * Merges `patch` into the metadata of the records picked by ids or a (non-empty) filter, or
   * replaces it (`{ replace: true }`), without re-sending vectors. Atomic; the ids updated.
   */
  async updateMetadata(
    what: { ids: readonly string[] } | { filters: Filter<Meta> },
    patch: Partial<Meta>,
    options: UpdateMetadataOptions = {},
  ): Promise<string[]> {
    return updateMetadata(this.#db, this.#table, what, patch, options, this.#schema)
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
