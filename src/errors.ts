/**
 * Every stable error code, one per class below: `VecsError.code` is typed by this list, and the
 * `vecs` command's exit codes are a table over it.
 */
export const ERROR_CODES = [
  'VECS_ERROR',
  'VECS_ARG',
  'VECS_DIMENSION',
  'VECS_FILTER',
  'VECS_COLLECTION_NOT_FOUND',
  'VECS_COLLECTION_EXISTS',
  'VECS_EXTENSION_UNAVAILABLE',
  'VECS_MISSING_DEPENDENCY',
  'VECS_LOCKED',
  'VECS_UNREPRESENTABLE',
  'VECS_CONNECTION_LOST',
  'VECS_STORAGE_FULL',
  'VECS_DATABASE_DAMAGED',
  'VECS_CONNECTION_REJECTED',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * Every error vecs throws on purpose extends `VecsError` and carries a stable `code`.
 * Messages never include vectors or metadata values; a driver error that was wrapped is kept as `cause`.
 *
 * @example
 * try { await docs.query({ data: [1, 2] }) } catch (e) { if (e instanceof MismatchedDimension) … }
 */
export class VecsError extends Error {
  readonly code: ErrorCode = 'VECS_ERROR'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A bad argument: wrong type, out of range, or an option that does not fit the others. */
export class ArgError extends VecsError {
  override readonly code: ErrorCode = 'VECS_ARG'
}

/** A vector whose length is not the collection's dimension, or two dimensions that disagree. */
export class MismatchedDimension extends ArgError {
  override readonly code: ErrorCode = 'VECS_DIMENSION'
}

/** A metadata filter that does not follow the filter grammar. Thrown before any SQL runs. */
export class FilterError extends VecsError {
  override readonly code: ErrorCode = 'VECS_FILTER'
}

/** The named collection does not exist. */
export class CollectionNotFound extends VecsError {
  override readonly code: ErrorCode = 'VECS_COLLECTION_NOT_FOUND'
}

/** A collection of that name exists already. */
export class CollectionAlreadyExists extends VecsError {
  override readonly code: ErrorCode = 'VECS_COLLECTION_EXISTS'
}

/** pgvector is not installed on the server, or is older than vecs needs. */
export class ExtensionUnavailable extends VecsError {
  override readonly code: ErrorCode = 'VECS_EXTENSION_UNAVAILABLE'
}

/** An optional package that a feature needs is not installed; the message names the install command. */
export class MissingDependency extends VecsError {
  override readonly code: ErrorCode = 'VECS_MISSING_DEPENDENCY'
}

/** The embedded database directory is open in another client, in this process or another one. */
export class DatabaseLocked extends VecsError {
  override readonly code: ErrorCode = 'VECS_LOCKED'
}

/**
 * Stored data that JavaScript cannot hold without changing it (a jsonb decimal with more digits
 * than a float64 keeps): vecs refuses to read it rather than round it.
 */
export class UnrepresentableValue extends VecsError {
  override readonly code: ErrorCode = 'VECS_UNREPRESENTABLE'
}

/**
 * The connection to the database was lost or refused mid-call: a server restart, a failover, a
 * terminated backend, a network cut. The call's transaction did not commit, so nothing of it was
 * written; the client reconnects by itself, and the call can be retried.
 */
export class ConnectionLost extends VecsError {
  override readonly code: ErrorCode = 'VECS_CONNECTION_LOST'
}

/** The database's disk is full: nothing of the call was written; free space and retry. */
export class StorageFull extends VecsError {
  override readonly code: ErrorCode = 'VECS_STORAGE_FULL'
}

/**
 * The database's files are damaged (PostgreSQL found a corrupted page): restore from a backup, or
 * on a server see PostgreSQL's documentation on corruption. The driver's error is the `cause`.
 */
export class DatabaseDamaged extends VecsError {
  override readonly code: ErrorCode = 'VECS_DATABASE_DAMAGED'
}

/**
 * The server would not open a session: a wrong or missing password, a user or database it does
 * not know, or no pg_hba.conf entry for this client. Retrying does not help: fix the connection
 * string (or the server's access rules). The driver's error is the `cause`.
 */
export class ConnectionRejected extends VecsError {
  override readonly code: ErrorCode = 'VECS_CONNECTION_REJECTED'
}
