import { Adapter } from './adapter/adapter.js'
import type { Backend, BackendKind } from './backend/backend.js'
import { openBackend, type Location } from './backend/open.js'
import type { PgOptions } from './backend/pg.js'
import { Collection, type ServerFeatures } from './collection.js'
import type { SessionDefaults } from './search.js'
import {
  ArgError,
  CollectionAlreadyExists,
  CollectionNotFound,
  ExtensionUnavailable,
  MismatchedDimension,
  VecsError,
} from './errors.js'
import * as catalog from './sql/catalog.js'
import type { CollectionRow } from './sql/catalog.js'
import { execute } from './sql/execute.js'
import * as statements from './sql/statements.js'
import type { Vector, VectorType } from './types.js'
import { checkDimension, checkVectorType } from './vector.js'
import { randomBytes } from 'node:crypto'

/** Options of `createClient`. Server options are passed to node-postgres' pool. */
export interface ClientOptions extends PgOptions {
  /** The schema collections live in. Default `'vecs'`, as in Python vecs. */
  schema?: string
  /**
   * For `{ pool }` and `{ pglite }`: promise that no session on it sets `hnsw.ef_search` or
   * `ivfflat.probes` itself, so a query that needs just the default sends one statement instead of
   * a transaction. Always so for connections vecs opens itself.
   */
  assumeDefaultSettings?: boolean
}

/** Options of `getOrCreateCollection`. */
export interface CollectionOptions<M = Vector> {
  /** Vector dimension, 1..16000. Needed to create a collection unless the adapter exports one. */
  dimension?: number
  /** `'vector'` (float32, default) or `'halfvec'` (float16: half the storage, indexable up to 4000 dims). */
  type?: VectorType
  /**
   * A pipeline that turns media `M` into vectors, run by `upsert` and `query`. Its last
   * dimension-exporting step sets the dimension, which must agree with `dimension` and with an
   * existing collection (`MismatchedDimension`).
   */
  adapter?: Adapter<M>
}

/** The oldest pgvector vecs works with: HNSW arrived in 0.5.0. */
export const MIN_VECTOR_VERSION = '0.5.0'

/**
 * Opens vecs on a database: embedded PGlite in memory (no argument or `'memory://'`), PGlite in a
 * directory (a path or `file://…`), a server (`postgres://…`), or a pool or PGlite you already have.
 *
 * @example
 * const vx = await createClient()                          // embedded, in memory
 * const vx = await createClient('postgresql://u:p@host/db') // a server
 */
export async function createClient(
  location?: Location,
  options: ClientOptions = {},
): Promise<Client> {
  const schema = checkName(options.schema ?? 'vecs', 'schema')
  const db = await openBackend(location, options)
  try {
    const vectorVersion = await ensureVector(db)
    await ensureSchema(db, schema)
    const features = {
      iterativeScans: compareVersions(vectorVersion, '0.8.0') >= 0,
      sessionDefaults:
        db.ownsSessions || options.assumeDefaultSettings === true ? await searchDefaults(db) : null,
    }
    return new Client(db, schema, vectorVersion, features)
  } catch (error) {
    await db.close().catch(() => {})
    throw error
  }
}

/** A connection to one database: creates, lists and deletes collections. */
export class Client implements AsyncDisposable {
  /** The installed pgvector version, e.g. `'0.8.0'`. */
  readonly vectorVersion: string
  /** The schema collections live in. */
  readonly schema: string
  readonly #db: Backend
  readonly #features: ServerFeatures

  /** @internal Use `createClient`. */
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

  /**
   * The collection named `name`, created when missing. An existing collection of another dimension
   * → `MismatchedDimension`; creating one needs `dimension` (or an adapter that exports one).
   * With `adapter`, the collection takes media (text, say) in `upsert` and `query`.
   *
   * @example
   * const texts = await vx.getOrCreateCollection('texts', { adapter: new Adapter([new TextEmbedding()]) })
   */
  async getOrCreateCollection<M = Vector>(
    name: string,
    options: CollectionOptions<M> = {},
  ): Promise<Collection<M>> {
    const table = { schema: this.schema, name: checkName(name, 'collection name') }
    const wanted = collectionShape(options)
    const row = await this.#db.transaction(async (tx) => {
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
      await execute(
        tx,
        statements.createMetadataIndex(
          created,
          `ix_meta_${randomBytes(4).toString('hex').slice(0, 7)}`,
        ),
      )
      return made
    })
    return this.#collection(row, options.adapter ?? null)
  }

  /**
   * The existing collection named `name`, without an adapter (to query by text, reopen it with
   * `getOrCreateCollection(name, { adapter })`); missing → `CollectionNotFound`.
   */
  async getCollection(name: string): Promise<Collection> {
    const [row] = await execute<CollectionRow>(
      this.#db,
      catalog.selectCollections(this.schema, checkName(name, 'collection name')),
    )
    if (!row)
      throw new CollectionNotFound(`no collection named "${name}" in schema "${this.schema}"`)
    return this.#collection(row)
  }

  /** Every collection in the schema, by name, without adapters. */
  async listCollections(): Promise<Collection[]> {
    const rows = await execute<CollectionRow>(this.#db, catalog.selectCollections(this.schema))
    return rows.map((row) => this.#collection(row))
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

  #collection<M = Vector>(row: CollectionRow, adapter: Adapter<M> | null = null): Collection<M> {
    const table = { schema: this.schema, name: row.name, dimension: row.dimension, type: row.type }
    return new Collection(this.#db, table, this.#features, adapter)
  }
}

function collectionShape(options: CollectionOptions<unknown>): {
  dimension?: number
  type?: VectorType
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

/** Collection and schema names: 1..63 bytes (Postgres' limit), no leading `_`, no NUL. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string') throw new ArgError(`${what} must be a string`)
  const bytes = Buffer.byteLength(name, 'utf8')
  if (bytes < 1 || bytes > 63) throw new ArgError(`${what} must be 1 to 63 bytes long`)
  if (name.startsWith('_')) throw new ArgError(`${what} must not start with "_"`)
  if (name.includes('\0')) throw new ArgError(`${what} must not contain NUL characters`)
  return name
}

/** pgvector present and recent enough, installing it where the server allows. Returns its version. */
async function ensureVector(db: Backend): Promise<string> {
  let [installed] = await execute<{ version: string }>(db, catalog.selectVectorVersion)
  if (!installed) {
    const [available] = await execute<{ version: string }>(db, catalog.selectVectorAvailable)
    if (!available) throw new ExtensionUnavailable(missingVectorMessage(db.kind))
    try {
      await execute(db, statements.createVectorExtension)
    } catch (error) {
      const message =
        db.kind === 'pglite'
          ? missingVectorMessage(db.kind)
          : `pgvector is available but could not be enabled (${(error as Error).message}); ` +
            'ask a database owner to run: CREATE EXTENSION vector'
      throw new ExtensionUnavailable(message, { cause: error })
    }
    ;[installed] = await execute<{ version: string }>(db, catalog.selectVectorVersion)
  }
  const version = installed?.version ?? '0'
  if (compareVersions(version, MIN_VECTOR_VERSION) < 0) {
    throw new ExtensionUnavailable(
      `pgvector ${version} is older than ${MIN_VECTOR_VERSION}; install a newer pgvector, then run: ALTER EXTENSION vector UPDATE`,
    )
  }
  return version
}

function missingVectorMessage(kind: BackendKind): string {
  if (kind === 'pglite') {
    return "pgvector is not loaded in this PGlite: create it with extensions: { vector } from '@electric-sql/pglite-pgvector'"
  }
  return (
    'pgvector is not installed on this PostgreSQL server: install pgvector ' +
    `${MIN_VECTOR_VERSION} or newer (e.g. apt install postgresql-<version>-pgvector, or enable the "vector" ` +
    "extension in your provider's dashboard), then reconnect"
  )
}

async function ensureSchema(db: Backend, schema: string): Promise<void> {
  // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege first, so look before creating: a role
  // without CREATE on the database can still use a schema that exists.
  const [existing] = await execute(db, catalog.selectSchema(schema))
  if (existing) return
  try {
    await execute(db, statements.createSchema(schema))
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error
    throw new VecsError(
      `schema "${schema}" does not exist and this role may not create it: ` +
        `ask a database owner to run CREATE SCHEMA, or pick an existing schema with { schema }`,
      { cause: error },
    )
  }
}

/**
 * The search settings every session of a backend vecs opened starts with: the server's configured
 * values, or pgvector's built-in defaults (ef_search 40, probes 1) where none is configured.
 */
async function searchDefaults(db: Backend): Promise<SessionDefaults> {
  const [row] = await execute<Record<'hnsw.ef_search' | 'ivfflat.probes', string | null>>(
    db,
    catalog.selectSearchDefaults,
  )
  return {
    'hnsw.ef_search': row?.['hnsw.ef_search'] ?? '40',
    'ivfflat.probes': row?.['ivfflat.probes'] ?? '1',
  }
}

/** Compares dotted versions numerically: '0.10.0' > '0.5.1'. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0)
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
