import type { Adapter } from './adapter/adapter.js'
import type { Backend, TransactionHandle } from './backend/backend.js'
import { checkFlag } from './checks.js'
import { adaptQuery, vectorData } from './query/adapt-query.js'
import { growthWatch } from './query/growth.js'
import { splitQueryMany, type QueryManyOptions } from './query/query-many.js'
import {
  checkQuery,
  type AnyQueryOptions,
  type CheckedQuery,
  type QueryInput,
} from './query/query-options.js'
import { planSearch, type ServerFeatures } from './query/plan.js'
import { shapeResults } from './query/results.js'
import { explainSearch, runSearch } from './query/run.js'
import { filterShare, selectivityEstimator } from './query/selectivity.js'
import type { TableRef } from './sql/tables.js'
import { readStats, type CollectionStats } from './stats.js'
import type { MetadataSchema } from './records/metadata-schema.js'
import type { TextIndexInfo, TextIndexOptions } from './text-types.js'
import type { Measure, Metadata, QueryOutput, SearchGiven, Vector } from './types.js'
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
import { CollectionRecords } from './collection-records.js'
import { ArgError } from './errors.js'
import { explainTextSearch, textSearch, type TextSearchParts } from './query/hybrid.js'
import {
  buildTextIndex,
  checkTextIndexOptions,
  dropTextIndex,
  readTextIndex,
} from './text-search/text-index.js'

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
export class Collection<Meta extends object = Metadata, M = Vector> extends CollectionRecords<
  Meta,
  M
> {
  readonly #features: ServerFeatures
  readonly #watchGrowth: (index: CurrentIndex) => Promise<void>
  readonly #selectivity: ReturnType<typeof selectivityEstimator>
  #index: IndexCache | undefined
  #text: Promise<TextIndexInfo | null> | undefined

  /** @internal Collections come from a `Client`. */
  constructor(
    db: Backend,
    table: TableRef,
    features: ServerFeatures,
    adapter: Adapter<M> | null = null,
    schema: MetadataSchema | null = null,
  ) {
    super(db, table, adapter, schema)
    this.#features = features
    this.#watchGrowth = growthWatch(db, table)
    this.#selectivity = selectivityEstimator(db, table)
  }

  /**
   * This collection in your transaction: `tx` is a node-postgres client after BEGIN (your pool's,
   * Drizzle's, Kysely's) or the `tx` of PGlite's `transaction()`. Calls commit or roll back with
   * your rows; vecs never commits, and a failed call rolls back to its own savepoint.
   */
  withTransaction(tx: TransactionHandle): Collection<Meta, M> {
    const features = { ...this.#features, ownsSessions: false, sessionDefaults: null }
    return new Collection(
      this.db.within(tx),
      this.table,
      features,
      this.adapter,
      this.metadataSchema,
    )
  }

  /**
   * Nearest neighbours of `data`, nearest first: ids, or `{ id, value?, vector?, metadata? }` rows
   * when an include flag is set. `probes` and `efSearch` apply to this query only. With `filters`,
   * the page is full whenever at least `limit` rows match, also through an approximate index.
   * With an adapter, `data` is media that must adapt to exactly one vector (else `ArgError`),
   * unless `skipAdapter: true`, which takes a vector.
   */
  query<O extends QueryInput<M, Meta>>(
    options: O & SearchGiven<O, M>,
  ): Promise<QueryOutput<O, Meta>>
  async query(options: AnyQueryOptions): Promise<unknown[]> {
    return this.#search(checkQuery(options), options.data)
  }

  /**
   * `query` for many inputs at once, with the same options: one result list per item of `data`, in
   * order. The searches run concurrently over the client's connections (on PGlite, one after
   * another); if any fails, the call fails.
   */
  queryMany<O extends QueryManyOptions<M, Meta>>(options: O): Promise<QueryOutput<O, Meta>[]>
  async queryMany(options: unknown): Promise<unknown[]> {
    const { inputs, checked } = splitQueryMany(options)
    if (checked === null) return []
    return Promise.all(inputs.map((data) => this.#search(checked, data)))
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
    const checked = checkQuery(options as AnyQueryOptions)
    if (checked.text !== null) {
      const parts = await this.#textParts(options.data, checked.fromPrimary)
      return explainTextSearch(parts, { ...checked, text: checked.text }, analyze)
    }
    const { plan } = await this.#plan(checked, options.data)
    return explainSearch(this.readsFrom(checked.fromPrimary), plan, analyze)
  }

  /**
   * Builds the collection's vector index (one per collection), replacing the current one unless
   * `replace: false`. `auto` picks HNSW. A failed build leaves the previous index in place.
   */
  async createIndex(options: CreateIndexOptions = {}): Promise<void> {
    const plan = planIndex(options, this.type, this.dimension)
    this.#index = undefined
    const started = performance.now()
    const built = await buildIndex(this.db, this.table, plan)
    this.#index = cacheIndex(Promise.resolve(built))
    const { iterativeScans } = this.#features
    const buildMs = performance.now() - started
    const tuned = await tuneAfterBuild(this.db, this.table, built, plan, buildMs, iterativeScans)
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
    return tuneCollection(this.db, this.table, options, this.#features.iterativeScans)
  }

  /**
   * Rebuilds the current vector index with its method, measure and arguments; IVFFlat lists that
   * vecs chose are chosen again for today's rows. What to do after `VECS_REINDEX_ADVISED`.
   */
  async reindex(
    options: Omit<
      CreateIndexOptions,
      'method' | 'measure' | 'indexArguments' | 'replace' | 'quantization'
    > = {},
  ): Promise<void> {
    const current = await readIndex(this.db, this.table)
    await this.createIndex({ ...options, ...rebuildOptions(current, this.name) })
  }

  /** @internal */
  protected override indexRebuilt(): void {
    this.#index = undefined
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
    return this.db.transaction((tx) => readStats(tx, this.table))
  }

  /**
   * Builds the collection's text index: a GIN index on the full-text vector (`tsvector`) of the
   * metadata key `key` (default `'text'`) in the text search configuration `language` (default
   * `'english'`), so that `query({ text })` ranks rows by their words. The table is unchanged (an
   * expression index), so Python vecs still reads it. One per collection: an earlier one is
   * replaced, in one transaction.
   */
  async createTextIndex(options: TextIndexOptions = {}): Promise<TextIndexInfo> {
    const source = checkTextIndexOptions(options)
    this.#text = undefined
    const built = await buildTextIndex(this.db, this.table, source)
    this.#text = Promise.resolve(built)
    return built
  }

  /** The collection's text index: `{ name, key, language }`, or null. */
  async getTextIndex(): Promise<TextIndexInfo | null> {
    this.#text = undefined
    return this.#textIndex()
  }

  /** Drops the collection's text index; false when there was none. */
  async dropTextIndex(): Promise<boolean> {
    this.#text = undefined
    return dropTextIndex(this.db, this.table)
  }

  /** Whether the collection's vector index serves `measure`. */
  async isIndexedForMeasure(measure: Measure): Promise<boolean> {
    return (await this.getIndex())?.measure === measure
  }

  async #search(checked: CheckedQuery, input: unknown): Promise<unknown[]> {
    const { text, fromPrimary } = checked
    if (text !== null)
      return textSearch(await this.#textParts(input, fromPrimary), { ...checked, text })
    const { plan, index } = await this.#plan(checked, input)
    const rows = await runSearch(this.readsFrom(fromPrimary), plan, checked.limit, this.#features)
    if (index !== null) await this.#watchGrowth(index)
    return shapeResults(rows, checked)
  }

  async #plan(checked: CheckedQuery, input: unknown) {
    const data =
      this.adapter !== null && !checked.skipAdapter
        ? await adaptQuery(this.adapter, input)
        : vectorData(this.name, this.adapter, input)
    const vec = vectorToBinary(toFloat32(data, this.dimension))
    // Once the index is known, a query does not wait a turn for it.
    const index = this.#index?.known ? this.#index.known.value : await this.#currentIndex()
    if (!checked.exact && (index === null || index.info.measure !== checked.measure))
      warnNoCoveringIndex(this.schema, this.name, checked.measure)
    const share = await filterShare(this.#selectivity, checked, index, this.#features)
    const plan = planSearch(this.table, checked, vec, index, this.#features, share)
    return { plan, index, vec }
  }

  async #textParts(input: unknown, fromPrimary: boolean): Promise<TextSearchParts> {
    const textIndex = await this.#textIndex()
    if (textIndex === null)
      throw new ArgError(
        `collection "${this.name}" has no text index: build one with createTextIndex({ key, language })`,
      )
    return {
      db: this.readsFrom(fromPrimary),
      table: this.table,
      features: this.#features,
      textIndex,
      plan: (side) => this.#plan(side, input),
      searched: this.#watchGrowth,
    }
  }

  /** The text index, read once and kept; a read that fails (a lost connection) is not kept. */
  #textIndex(): Promise<TextIndexInfo | null> {
    if (this.#text === undefined) {
      const read = readTextIndex(this.db, this.table).then((found) =>
        found === null ? null : { name: found.name, key: found.key, language: found.language },
      )
      read.catch(() => {
        if (this.#text === read) this.#text = undefined
      })
      this.#text = read
    }
    return this.#text
  }

  #currentIndex(): Promise<CurrentIndex | null> {
    this.#index ??= this.#readIndex()
    return this.#index.promise
  }

  /** Reads the index into the cache; a read that fails (a lost connection) is not kept. */
  #readIndex(): IndexCache {
    const cache = cacheIndex(readIndex(this.db, this.table))
    cache.promise.catch(() => {
      if (this.#index === cache) this.#index = undefined
    })
    return cache
  }
}
