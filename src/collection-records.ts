import type { Adapter } from './adapter/adapter.js'
import type { Backend } from './backend/backend.js'
import { checkFlag, checkKeys, optionKeys } from './checks.js'
import { deleteRecords } from './delete/delete-records.js'
import { validateRecords, type MetadataSchema } from './records/metadata-schema.js'
import { updateMetadata } from './records/metadata-update.js'
import {
  countRecords,
  fetchRecords,
  listRecords,
  sampleRecords,
  scanPages,
} from './records/reading.js'
import type { TableRef } from './sql/tables.js'
import type {
  CountOptions,
  FetchedRecord,
  Filter,
  ListOptions,
  Page,
  ScanOptions,
  UpdateMetadataOptions,
  UpsertInput,
  UpsertOptions,
  Vector,
  VectorType,
} from './types.js'
import { upsertRecords } from './upsert/upsert.js'

/**
 * What a collection does with its records, whatever its index: upsert, fetch, list, scan, count,
 * sample, delete, updateMetadata. `Collection` adds search and index management to these.
 */
export abstract class CollectionRecords<Meta extends object, M> {
  readonly name: string
  readonly dimension: number
  readonly type: VectorType
  /** The adapter `upsert` and `query` run media through; null for a plain vector collection. */
  readonly adapter: Adapter<M> | null
  /** @internal */
  protected readonly db: Backend
  /** @internal */
  protected readonly table: TableRef
  /** @internal The Standard Schema upserts are checked against, if any. */
  protected readonly metadataSchema: MetadataSchema | null

  /** @internal */
  constructor(
    db: Backend,
    table: TableRef,
    adapter: Adapter<M> | null,
    metadataSchema: MetadataSchema | null,
  ) {
    this.db = db
    this.table = table
    this.metadataSchema = metadataSchema
    this.name = table.name
    this.dimension = table.dimension
    this.type = table.type
    this.adapter = adapter
  }

  /**
   * Sharded across a Citus cluster: its shard count (as of when this object was made); null for a
   * collection on one server.
   */
  get distributed(): { shardCount: number } | null {
    return this.table.shards === undefined ? null : { shardCount: this.table.shards }
  }

  /** The schema the collection's table is in. */
  get schema(): string {
    return this.table.schema
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
    const checked =
      this.metadataSchema === null ? given : await validateRecords(given, this.metadataSchema)
    const rebuilt = await upsertRecords(this.db, this.table, this.adapter, checked, options)
    if (rebuilt) this.indexRebuilt()
  }

  /**
   * @internal Where a read goes: the client's read replicas, unless `fromPrimary` or there are
   * none (inside your transaction there are none: everything runs in it).
   */
  protected readsFrom(fromPrimary: unknown): Backend {
    return checkFlag('fromPrimary', fromPrimary) ? this.db : (this.db.reads ?? this.db)
  }

  /** @internal Called when an upsert rebuilt the vector index (under a new name). */
  protected indexRebuilt(): void {}

  /**
   * The records with these ids, in the order asked; missing ids are skipped. From a read replica
   * where the client has them, unless `fromPrimary`.
   */
  async fetch(
    ids: readonly string[],
    options: { fromPrimary?: boolean } = {},
  ): Promise<FetchedRecord<Meta>[]> {
    checkKeys('fetch', options, FETCH_KEYS)
    const db = this.readsFrom(options.fromPrimary)
    return (await fetchRecords(db, this.table, ids)) as FetchedRecord<Meta>[]
  }

  /**
   * Up to `n` records picked evenly from the whole collection, the same ones for the same `seed`:
   * queries for a benchmark, say. Reads every id once.
   */
  async sample(
    n: number,
    options: { seed?: string; fromPrimary?: boolean } = {},
  ): Promise<FetchedRecord<Meta>[]> {
    const seed = options.seed ?? 'vecs'
    const db = this.readsFrom(options.fromPrimary)
    return (await sampleRecords(db, this.table, n, seed)) as FetchedRecord<Meta>[]
  }

  /** Deletes by ids or by a (non-empty) filter; returns the ids actually deleted. */
  async delete(what: { ids: readonly string[] } | { filters: Filter<Meta> }): Promise<string[]> {
    return deleteRecords(this.db, this.table, what)
  }

  /** The number of records, or of those `filters` matches. */
  async count(options?: CountOptions<Meta>): Promise<number> {
    const db = this.readsFrom((options as { fromPrimary?: unknown } | undefined)?.fromPrimary)
    return countRecords(db, this.table, options)
  }

  /**
   * A page of records (those `filters` matches) in id order, and the `cursor` of the next page
   * (null after the last): `list({ cursor })` resumes after this page whatever was written since.
   */
  async list(options?: ListOptions<Meta>): Promise<Page<FetchedRecord<Meta>>> {
    return (await listRecords(this.db, this.table, options)) as Page<FetchedRecord<Meta>>
  }

  /** Every page of records (those `filters` matches): `for await (const page of docs.scan())`. */
  scan(options?: ScanOptions<Meta>): AsyncGenerator<FetchedRecord<Meta>[]> {
    return scanPages(this.db, this.table, options) as AsyncGenerator<FetchedRecord<Meta>[]>
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
    return updateMetadata(this.db, this.table, what, patch, options, this.metadataSchema)
  }

  /** `vecs.Collection(name="docs", dimension=3)`, as Python vecs prints it. */
  toString(): string {
    return `vecs.Collection(name="${this.name}", dimension=${this.dimension})`
  }
}

const FETCH_KEYS = optionKeys<{ fromPrimary?: boolean }>()({ fromPrimary: true })
