import type { ReplicaStatus } from './replicas.js'
/** The oldest pgvector vecs works with: HNSW arrived in 0.5.0. */
export const MIN_VECTOR_VERSION = '0.5.0'

/**
 * The only seam between vecs and a database driver. Everything above `backend/` speaks SQL text
 * with `$n` parameters through these few members; no driver type leaks out of this folder.
 */
export interface Queryable {
  /** Runs one statement; rows come back as plain objects keyed by column name. */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>
  /** Runs a `COPY … FROM` statement (from `copySource`) with `data` as its complete binary input. */
  copyFrom(text: string, data: readonly Uint8Array[]): Promise<void>
}

/**
 * Where COPY data comes from: the wire protocol (a server), or a blob attached to PGlite. Null
 * where neither works: PGlite served over a socket has no COPY FROM STDIN.
 */
export type CopySource = 'stdin' | 'blob' | null

/**
 * What a backend can do, as data: the layers above `backend/` ask these, never which driver it is.
 */
export interface Capabilities {
  /** What `COPY … FROM` reads on this backend; null when it cannot COPY (then vecs inserts). */
  readonly copySource: CopySource
  /** `CREATE INDEX CONCURRENTLY` on a session of its own while others write (not PGlite's one session). */
  readonly concurrentBuilds: boolean
  /**
   * How a build's progress can be seen: `polled` from another connection through
   * `pg_stat_progress_create_index`; `start-end` where the build holds the only session.
   */
  readonly buildProgress: 'polled' | 'start-end'
  /** Index builds may run parallel workers (a server; PGlite is one process). */
  readonly parallelBuilds: boolean
  /** What to tell a user when pgvector is missing here, and when `CREATE EXTENSION vector` failed. */
  readonly vectorHelp: { readonly missing: string; readonly createFailed: string }
}

export interface Backend extends Queryable {
  /** `'pglite'` or `'postgres'`, for `client.backend`; behaviour follows `capabilities`. */
  readonly kind: BackendKind
  readonly capabilities: Capabilities
  /**
   * Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws.
   * `prelude`, parameterless statements such as SET LOCAL, is sent with the BEGIN. It is for reads
   * only: inside a user's transaction (`within`) the settings are undone after `fn` by rolling back
   * to the savepoint that stood for BEGIN, and whatever `fn` wrote would go with them.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, prelude?: string): Promise<T>
  /**
   * This backend inside a transaction the user opened on `tx`: every statement runs on it, each
   * `transaction` is a savepoint, and nothing is committed; `close()` closes nothing. An ArgError
   * (at the first statement) when `tx` is not in a transaction on this backend's database.
   */
  within(tx: TransactionHandle): Backend
  /**
   * True when vecs opened every connection itself (a URL, an embedded database): then nobody else
   * uses its sessions, and vecs may leave on them the settings that steer only a vector index scan
   * (see query/run.ts); every other setting it sets locally.
   */
  readonly ownsSessions: boolean
  /**
   * Runs `fn` on one connection outside any transaction, held for `fn` alone (CREATE INDEX
   * CONCURRENTLY; a search that sets its settings on the session). `kept` is that connection's
   * record of what vecs set on its session: it lives exactly as long as the connection.
   */
  session<T>(fn: (session: Queryable, kept: KeptSettings) => Promise<T>): Promise<T>
  /**
   * Where reads that may lag behind the primary go: the client's read replicas (see replicas.ts).
   * Absent: this backend.
   */
  readonly reads?: Backend
  /** The read replicas and their health, where the client has any. */
  replicaStatus?(): ReplicaStatus[]
  /** Closes what this backend opened (a pool, a PGlite instance, a lock); handles given by the user stay open. */
  close(): Promise<void>
}

export type BackendKind = 'pglite' | 'postgres'

/** Session settings vecs has set on one connection, by name. */
export type KeptSettings = Map<string, string>

/** The members of a node-postgres `Pool` that vecs calls (a user's own pool fits). */
export interface PgPoolLike extends ErrorEvents {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  connect(): Promise<PgClientLike>
  end(): Promise<void>
}

/** What node-postgres runs in place of a statement (typed here without Node's own types). */
export interface Submittable {
  submit(connection: unknown): void
}

/** What vecs sends one statement through: a node-postgres client, or its own PGlite protocol client. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

/** The members of a node-postgres client that vecs calls. */
export interface PgClientLike extends SqlClient, ErrorEvents {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  /** A submittable such as pg-copy-streams' COPY stream: node-postgres returns it, running. */
  query<S extends Submittable>(submittable: S): S
  release?(err?: Error | boolean): void
}

/**
 * node-postgres pools and clients emit 'error' when their connection dies (a restart, a terminated
 * backend), and an 'error' nobody listens to ends the process. Optional: a stand-in without events
 * has nothing to emit.
 */
export interface ErrorEvents {
  on?(event: 'error', listener: (error: Error) => void): unknown
  off?(event: 'error', listener: (error: Error) => void): unknown
}

/**
 * A transaction the user owns: a node-postgres client (of their pool, or Drizzle's or Kysely's)
 * after BEGIN, or the `tx` PGlite's `transaction()` passes to its callback.
 */
export type TransactionHandle = PgClientLike | PGliteTransactionLike

/** The members of the `tx` of PGlite's `transaction()` that vecs calls. */
export interface PGliteTransactionLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  rollback(): Promise<void>
  readonly closed: boolean
}

/** The members of a PGlite instance that vecs needs to wrap one the user already has. */
export interface PGliteLike {
  readonly waitReady: Promise<void>
  readonly closed: boolean
  close(): Promise<void>
  execProtocolStream(message: Uint8Array, options?: object): Promise<unknown>
  /**
   * The lock PGlite's own `query`, `exec` and `transaction` take. Holding it keeps a user's own
   * statements on a shared instance from landing inside a vecs transaction, and the reverse.
   */
  _runExclusiveTransaction?<T>(fn: () => Promise<T>): Promise<T>
  /** Attaches the data `COPY … FROM '/dev/blob'` reads, and detaches it. */
  _handleBlob(blob?: Blob): Promise<void>
  _cleanupBlob(): Promise<void>
}
