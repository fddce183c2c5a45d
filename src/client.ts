/// <reference lib="esnext.disposable" preserve="true" />
import { Adapter } from './adapter/adapter.js'
import type { ReplicaStatus } from './backend/replicas.js'
import type { Backend, BackendKind, Queryable } from './backend/backend.js'
import {
  checkDistribution,
  distribute,
  shardCounts,
  type DistributedOptions,
} from './distribution.js'
import { checkName } from './checks.js'
import { Collection } from './collection.js'
import {
  ArgError,
  CollectionAlreadyExists,
  CollectionNotFound,
  MismatchedDimension,
} from './errors.js'
import type { ServerFeatures } from './query/plan.js'
import { randomHex } from './random-hex.js'
import * as catalog from './sql/catalog.js'
import type { CollectionRow } from './sql/catalog.js'
import { execute } from './sql/execute.js'
import * as statements from './sql/tables.js'
import { checkMetadataSchema, type MetadataSchema } from './records/metadata-schema.js'
import type { Metadata, Vector, VectorType } from './types.js'
import { checkDimension, checkVectorType } from './vector.js'

/** Options of `getOrCreateCollection`. */
export interface CollectionOptions<M = Vector, Meta = Metadata> {
  /** Vector dimension, 1..16000. Needed to create a collection unless the adapter exports one. */
  dimension?: number | undefined
  /** `'vector'` (float32, default) or `'halfvec'` (float16: half the storage, indexable up to 4000 dims). */
  type?: VectorType | undefined
  /**
   * A pipeline that turns media `M` into vectors, run by `upsert` and `query`. Its last
   * dimension-exporting step sets the dimension, which must agree with `dimension` and with an
   * existing collection (`MismatchedDimension`).
   */
  adapter?: Adapter<M> | undefined
  /**
   * A Standard Schema for the metadata (zod, valibot, arktype…): `upsert` checks each record's
   * metadata with it (`ArgError` naming the record and the schema's issues) and stores what it
   * returns; it also types the collection's metadata. Kept by this collection object only.
   */
  metadataSchema?: MetadataSchema<Meta> | undefined
  /**
   * On a Citus coordinator: shard the collection across the workers by `id` (`true`, or
   * `{ shardCount, colocateWith }`). An existing collection that is not distributed yet is
   * distributed (its rows move to the shards). Without Citus → `ExtensionUnavailable`.
   */
  distributed?: boolean | DistributedOptions | undefined
}

/** A connection to one database: creates, lists and deletes collections. */
export class Client implements AsyncDisposable {
  /** The installed pgvector version, e.g. `'0.8.0'`. */
  readonly vectorVersion: string
  /** The schema collections live in. */
  readonly schema: string
  readonly #db: Backend
  readonly #features: ServerFeatures

  /** @internal Use `createClient` (connect.ts). */
  constructor(db: Backend, schema: string, vectorVersion: string, features: ServerFeatures) {
    this.#db = db
    this.#features = features
    this.schema = schema
    this.vectorVersion = vectorVersion
  }

  /** `'pglite'` (embedded) or `'postgres'` (a server). */
  get backend(): BackendKind {
    return this.#db.kind
  }

  /** The read replicas (`readReplicas`) and their health: which serve reads, which are left out. */
  readReplicas(): ReplicaStatus[] {
    return this.#db.replicaStatus?.() ?? []
  }

  /**
   * The collection named `name`, created when missing. An existing collection of another dimension
   * → `MismatchedDimension`; creating one needs `dimension` (or an adapter that exports one).
   * With `adapter`, the collection takes media (text, say) in `upsert` and `query`.
   *
   * @example
   * const texts = await vx.getOrCreateCollection('texts', { adapter: new Adapter([new TextEmbedding()]) })
   */
  async getOrCreateCollection<Meta extends object = Metadata, M = Vector>(
    name: string,
    options: CollectionOptions<M, Meta> = {},
  ): Promise<Collection<Meta, M>> {
    const schema = checkMetadataSchema(options.metadataSchema)
    const table = { schema: this.schema, name: checkName(name, 'collection name') }
    const wanted = collectionShape(options)
    const distribution = checkDistribution(options.distributed, this.#features.citus)
    const row = await this.#db.transaction(async (tx) => {
      const found = await this.#findOrCreate(tx, table, wanted)
      if (distribution !== null) await distribute(tx, table, distribution)
      return (await this.#withShards(tx, [found]))[0] as CollectionRow
    })
    return this.#collection<Meta, M>(row, options.adapter ?? null, schema)
  }

  async #findOrCreate(
    tx: Queryable,
    table: { schema: string; name: string },
    wanted: { dimension?: number; type?: VectorType },
  ): Promise<CollectionRow> {
    const { name } = table
    await execute(tx, statements.lockCollection(table))
    const [existing] = await execute<CollectionRow>(
      tx,
      catalog.selectCollections(table.schema, table.name),
    )
    if (existing) return checkExisting(existing, wanted)
    if (wanted.dimension === undefined) {
      throw new ArgError(`collection "${name}" does not exist; give a dimension to create it`)
    }
    const created = { ...table, dimension: wanted.dimension, type: wanted.type ?? 'vector' }
    await execute(tx, statements.createTable(created))
    const [made] = await execute<CollectionRow>(
      tx,
      catalog.selectCollections(table.schema, table.name),
    )
    if (!made)
      throw new CollectionAlreadyExists(
        `a table "${name}" that is not a collection exists in schema "${this.schema}"`,
      )
    await execute(tx, statements.createMetadataIndex(created, `ix_meta_${randomHex(7)}`))
    return made
  }

  /**
   * The existing collection named `name`, without an adapter (to query by text, reopen it with
   * `getOrCreateCollection(name, { adapter })`); missing → `CollectionNotFound`.
   */
  async getCollection<Meta extends object = Metadata>(name: string): Promise<Collection<Meta>> {
    const [row] = await execute<CollectionRow>(
      this.#db,
      catalog.selectCollections(this.schema, checkName(name, 'collection name')),
    )
    if (!row)
      throw new CollectionNotFound(`no collection named "${name}" in schema "${this.schema}"`)
    return this.#collection<Meta, Vector>(
      (await this.#withShards(this.#db, [row]))[0] as CollectionRow,
    )
  }

  /** Every collection in the schema, by name, without adapters. */
  async listCollections(): Promise<Collection[]> {
    const rows = await execute<CollectionRow>(this.#db, catalog.selectCollections(this.schema))
    return (await this.#withShards(this.#db, rows)).map((row) => this.#collection(row))
  }

  /** Drops the collection and its indexes. A missing name is not an error. */
  async deleteCollection(name: string): Promise<void> {
    const table = { schema: this.schema, name: checkName(name, 'collection name') }
    await this.#db.transaction(async (tx) => {
      await execute(tx, statements.lockCollection(table))
      const [existing] = await execute<CollectionRow>(
        tx,
        catalog.selectCollections(table.schema, table.name),
      )
      if (existing) await execute(tx, statements.dropTable(table))
    })
  }

  /** Closes the connection (pool, or embedded database and its lock). */
  async disconnect(): Promise<void> {
    await this.#db.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect()
  }

  /** The rows with the shard counts of those Citus distributes (only a coordinator has any). */
  async #withShards(db: Queryable, rows: CollectionRow[]): Promise<CollectionRow[]> {
    if (!this.#features.citus) return rows
    const counts = await shardCounts(
      db,
      this.schema,
      rows.map((r) => r.name),
    )
    return rows.map((r) => ({ ...r, shards: counts.get(r.name) }))
  }

  #collection<Meta extends object = Metadata, M = Vector>(
    row: CollectionRow,
    adapter: Adapter<M> | null = null,
    schema: MetadataSchema | null = null,
  ): Collection<Meta, M> {
    const table = {
      schema: this.schema,
      name: row.name,
      dimension: row.dimension,
      type: row.type,
      shards: row.shards,
    }
    return new Collection<Meta, M>(this.#db, table, this.#features, adapter, schema)
  }
}

function collectionShape(options: CollectionOptions<unknown, unknown>): {
  dimension?: number | undefined
  type?: VectorType | undefined
} {
  if (options.adapter !== undefined && !(options.adapter instanceof Adapter)) {
    throw new ArgError('adapter must be an Adapter: new Adapter([step, …])')
  }
  const fromAdapter = options.adapter?.exportedDimension
  const dimension = options.dimension === undefined ? undefined : checkDimension(options.dimension)
  if (dimension !== undefined && fromAdapter !== undefined && dimension !== fromAdapter) {
    throw new MismatchedDimension(
      `dimension ${dimension} does not match the adapter's ${fromAdapter}`,
    )
  }
  const type = options.type === undefined ? undefined : checkVectorType(options.type)
  const shape: { dimension?: number; type?: VectorType } = {}
  const resolved =
    dimension ?? (fromAdapter === undefined ? undefined : checkDimension(fromAdapter))
  if (resolved !== undefined) shape.dimension = resolved
  if (type !== undefined) shape.type = type
  return shape
}

function checkExisting(
  existing: CollectionRow,
  wanted: { dimension?: number; type?: VectorType },
): CollectionRow {
  if (wanted.dimension !== undefined && wanted.dimension !== existing.dimension) {
    throw new MismatchedDimension(
      `collection "${existing.name}" has dimension ${existing.dimension}, not ${wanted.dimension}`,
    )
  }
  if (wanted.type !== undefined && wanted.type !== existing.type) {
    throw new ArgError(`collection "${existing.name}" stores ${existing.type}, not ${wanted.type}`)
  }
  return existing
}
