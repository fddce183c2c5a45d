import { MIN_VECTOR_VERSION, type Backend } from './backend/backend.js'
import { isServerUrl, openBackend, type Location } from './backend/open.js'
import { openServer } from './backend/platform.js'
import { replica, routeReads } from './backend/replicas.js'
import type { PgOptions } from './backend/pg.js'
import { checkFlag, checkInteger, checkKeys, checkName, optionKeys } from './checks.js'
import { Client } from './client.js'
import { ArgError, ExtensionUnavailable, VecsError } from './errors.js'
import { isPlainObject } from './json.js'
import type { SessionDefaults } from './query/plan.js'
import * as catalog from './sql/catalog.js'
import { selectCitusVersion } from './sql/citus.js'
import { SEARCH_SETTINGS, type SearchSetting, type SearchSettings } from './sql/settings.js'
import { execute } from './sql/execute.js'
import { createSchema, createVectorExtension } from './sql/tables.js'

/** Options of `createClient`. Server options are passed to node-postgres' pool. */
export interface ClientOptions extends PgOptions {
  /** The schema collections live in. Default `'vecs'`, as in Python vecs. */
  schema?: string | undefined
  /**
   * For `{ pool }` and `{ pglite }`: promise that no session on it sets `hnsw.ef_search` or
   * `ivfflat.probes` itself, so a query that needs just the default sends one statement instead of
   * a transaction. Always so for connections vecs opens itself.
   */
  assumeDefaultSettings?: boolean | undefined
  /**
   * Streaming-replication standbys of the server (`postgres://` URLs): queries, fetch, count and
   * sample go to them in turn, writes and DDL to the primary. See the README's "Past one server".
   */
  readReplicas?: readonly string[] | undefined
}

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
  const schema = checkClientOptions(options)
  const replicaUrls = checkReplicas(options.readReplicas, location)
  let db = await openBackend(location, options)
  try {
    db = withReplicas(db, replicaUrls, options)
    const vectorVersion = await ensureVector(db)
    await ensureSchema(db, schema)
    const [citus] = await execute<{ version: string }>(db, selectCitusVersion)
    const features = {
      iterativeScans: compareVersions(vectorVersion, '0.8.0') >= 0,
      citus: citus !== undefined,
      ownsSessions: db.ownsSessions,
      sessionDefaults:
        !db.ownsSessions && options.assumeDefaultSettings === true
          ? await searchDefaults(db)
          : null,
    }
    return new Client(db, schema, vectorVersion, features)
  } catch (error) {
    await db.close().catch(() => {})
    throw error
  }
}

const CLIENT_KEYS = optionKeys<ClientOptions>()({
  schema: true,
  assumeDefaultSettings: true,
  poolSize: true,
  ssl: true,
  statementTimeout: true,
  connectionTimeoutMillis: true,
  idleTimeoutMillis: true,
  applicationName: true,
  readReplicas: true,
})

// PostgreSQL's statement_timeout and Node's timers both take at most a 32-bit count of milliseconds.
const MAX_MILLIS = 2_147_483_647
const MILLIS_OPTIONS = ['statementTimeout', 'connectionTimeoutMillis', 'idleTimeoutMillis'] as const

/**
 * Checks every option before anything opens, returning the schema: node-postgres would fail on a
 * wrong type with a TypeError deep in a call, or ignore it. A pool of more than 10,000 connections
 * is beyond any server's max_connections, so it is taken for a mistake.
 */
function checkClientOptions(options: unknown): string {
  if (typeof options !== 'object' || options === null) {
    throw new ArgError('createClient options must be an object')
  }
  checkKeys('createClient', options, CLIENT_KEYS)
  const given = options as ClientOptions
  if (given.poolSize !== undefined)
    checkInteger('poolSize', given.poolSize, { min: 1, max: 10_000 })
  for (const name of MILLIS_OPTIONS) {
    if (given[name] !== undefined) checkInteger(name, given[name], { min: 0, max: MAX_MILLIS })
  }
  if (given.applicationName !== undefined && typeof given.applicationName !== 'string') {
    throw new ArgError('applicationName must be a string')
  }
  const ssl = given.ssl
  if (ssl !== undefined && typeof ssl !== 'boolean' && !isPlainObject(ssl)) {
    throw new ArgError('ssl must be a boolean or an object of TLS options')
  }
  checkFlag('assumeDefaultSettings', given.assumeDefaultSettings)
  return checkName(given.schema ?? 'vecs', 'schema')
}

/** The replicas' URLs, checked: only a server has standbys, and each is a server URL. */
function checkReplicas(given: unknown, location: Location | undefined): string[] {
  if (given === undefined) return []
  if (!Array.isArray(given) || given.length > MAX_REPLICAS)
    throw new ArgError(`readReplicas must be an array of at most ${MAX_REPLICAS} postgres:// URLs`)
  for (const url of given) {
    if (typeof url !== 'string' || !isServerUrl(url))
      throw new ArgError('each of readReplicas must be a postgres:// or postgresql:// URL')
  }
  const server =
    (typeof location === 'string' && isServerUrl(location)) ||
    (typeof location === 'object' && location !== null && 'pool' in location)
  if (given.length > 0 && !server)
    throw new ArgError('readReplicas need a server primary (a postgres:// URL or { pool })')
  return given as string[]
}

const MAX_REPLICAS = 64

/**
 * The primary with its replicas attached as `reads`, each a pool of its own that connects on first
 * use: a replica down at start is left out at the first read, not an error here.
 */
function withReplicas(primary: Backend, urls: readonly string[], options: PgOptions): Backend {
  if (urls.length === 0) return primary
  const replicas = urls.map((url) => replica(url, () => openServer(url, options)))
  const { reads, status } = routeReads(primary, replicas)
  return {
    ...primary,
    reads,
    replicaStatus: status,
    close: async () => {
      await reads.close()
      await primary.close()
    },
  }
}

/** pgvector present and recent enough, installing it where the server allows. Returns its version. */
async function ensureVector(db: Backend): Promise<string> {
  const help = db.capabilities.vectorHelp
  let [installed] = await execute<{ version: string }>(db, catalog.selectVectorVersion)
  if (!installed) {
    const [available] = await execute<{ version: string }>(db, catalog.selectVectorAvailable)
    if (!available) throw new ExtensionUnavailable(help.missing)
    try {
      await execute(db, createVectorExtension)
    } catch (error) {
      // A lost connection or a full disk is not pgvector's fault: it stays as it is.
      if (error instanceof VecsError) throw error
      // Clients started together race to create it: IF NOT EXISTS does not hold between them, and
      // the losers fail on the catalog's unique index. The extension is there all the same.
      if (!(isUniqueViolation(error) && (await vectorInstalled(db)))) {
        throw new ExtensionUnavailable(`${help.createFailed} (${(error as Error).message})`, {
          cause: error,
        })
      }
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

async function ensureSchema(db: Backend, schema: string): Promise<void> {
  // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege first, so look before creating: a role
  // without CREATE on the database can still use a schema that exists.
  const [existing] = await execute(db, catalog.selectSchema(schema))
  if (existing) return
  try {
    await execute(db, createSchema(schema))
  } catch (error) {
    // Another client created it meanwhile (see ensureVector): it is there to use.
    if (isUniqueViolation(error) && (await execute(db, catalog.selectSchema(schema))).length > 0)
      return
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
  const [row] = await execute<Record<SearchSetting, string | null>>(
    db,
    catalog.selectSearchDefaults,
  )
  const defaults: SearchSettings = {}
  for (const name of SEARCH_SETTINGS) {
    const value = row?.[name]
    // Not configured where pgvector is older: then vecs never relies on it.
    if (value !== null && value !== undefined) defaults[name] = value
  }
  return defaults
}

/** PostgreSQL's unique_violation (23505), as a catalog's unique index raises it. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505'
}

async function vectorInstalled(db: Backend): Promise<boolean> {
  return (await execute(db, catalog.selectVectorVersion)).length > 0
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
