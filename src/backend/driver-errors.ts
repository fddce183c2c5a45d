import {
  ConnectionLost,
  ConnectionRejected,
  DatabaseDamaged,
  StorageFull,
  VecsError,
} from '../errors.js'

/**
 * A driver error that says the connection, the disk or the database files failed, as the
 * `VecsError` a caller can act on (retry, free space, restore), with the driver error as `cause`;
 * any other error unchanged. It lives in `backend/` because errors reach callers from here too
 * (pool checkouts, BEGIN and COMMIT), not only from statements that `sql/execute.ts` runs.
 */
export function typedDriverError(error: unknown): unknown {
  if (error instanceof VecsError || !(error instanceof Error)) return error
  const reason = error.message || codeOf(error) || error.name
  if (isRefused(error)) {
    return new ConnectionLost(
      `cannot connect to the database (${reason}): the call wrote nothing; retry it once the server is reachable`,
      { cause: error },
    )
  }
  if (isRejected(error)) {
    return new ConnectionRejected(
      `the database server rejected the connection (${reason}): check the user, password and ` +
        "database in the connection string, and the server's access rules (pg_hba.conf)",
      { cause: error },
    )
  }
  if (isConnectionLoss(error)) {
    return new ConnectionLost(
      `the connection to the database was lost (${reason}): the call wrote nothing; retry it`,
      { cause: error },
    )
  }
  if (isDiskFull(error)) {
    return new StorageFull(
      `the database's disk is full (${reason}): the call wrote nothing; free space, then retry`,
      { cause: error },
    )
  }
  const damaged = DAMAGED[codeOf(error)]
  if (damaged !== undefined) return new DatabaseDamaged(`${damaged} (${reason})`, { cause: error })
  return error
}

/** `work`, its rejection typed by `typedDriverError`. */
export async function typedRejection<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    throw typedDriverError(error)
  }
}

/**
 * A COMMIT whose connection was lost: the server may have committed before the connection went,
 * so unlike every other lost call this one may have been written. Other errors as `typedDriverError`.
 */
export function typedCommitError(error: unknown): unknown {
  const typed = typedDriverError(error)
  if (!(typed instanceof ConnectionLost)) return typed
  return new ConnectionLost(
    'the connection to the database was lost while the call committed: it may or may not have ' +
      'been written; check, or retry it (an upsert or delete can be repeated)',
    { cause: error },
  )
}

/**
 * SQLSTATEs of a connection the server ended: admin_shutdown (pg_terminate_backend, a fast
 * shutdown), crash_shutdown, idle_session_timeout, idle_in_transaction_session_timeout. Class 08
 * (connection_exception) is matched by its prefix.
 */
const LOST_STATES = new Set(['57P01', '57P02', '57P05', '25P03'])

/**
 * 08P01 is in class 08 but says the client sent a malformed message (a statement past 65,535
 * parameters, say), which no retry mends: it passes through as it is.
 */
const PROTOCOL_VIOLATION = '08P01'

/** Socket errors of a connection cut under a statement, or of one that could not be opened. */
const LOST_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])

/** node-postgres' own messages for a connection that ended, or that an earlier error broke. */
const LOST_MESSAGES = [
  /^Connection terminated( unexpectedly)?$/,
  /^Client has encountered a connection error and is not queryable$/,
]

/** node-postgres and its pool giving up on opening a connection within connectionTimeoutMillis. */
const CONNECT_TIMEOUTS = [
  /^Connection terminated due to connection timeout$/,
  /^timeout exceeded when trying to connect$/,
]

const DAMAGED: Readonly<Record<string, string>> = {
  XX001:
    'the database files are damaged (PostgreSQL found a corrupted page): restore the database ' +
    "from a backup; on a server, see PostgreSQL's documentation on corruption",
  XX002:
    'an index in the database is damaged: rebuild it (REINDEX on a server, or createIndex with ' +
    'replace for a vector index), or restore the database from a backup',
}

function isRefused(error: Error): boolean {
  const code = codeOf(error)
  // cannot_connect_now: the server is starting up, shutting down or in recovery.
  return (
    REFUSED_CODES.has(code) ||
    code === '57P03' ||
    CONNECT_TIMEOUTS.some((re) => re.test(error.message))
  )
}

/**
 * invalid_authorization_specification (no pg_hba.conf entry, an unknown role), invalid_password,
 * invalid_catalog_name (no such database); and node-postgres' own refusals to answer the server's
 * password request (SASL/SCRAM without a password, a password that is not a string).
 */
const REJECTED_STATES = new Set(['28000', '28P01', '3D000'])
const REJECTED_MESSAGES = [/^SASL: /, /password must be a (non-empty )?string/i]

function isRejected(error: Error): boolean {
  return (
    REJECTED_STATES.has(codeOf(error)) || REJECTED_MESSAGES.some((re) => re.test(error.message))
  )
}

function isConnectionLoss(error: Error): boolean {
  const code = codeOf(error)
  return (
    (code.startsWith('08') && code !== PROTOCOL_VIOLATION) ||
    LOST_STATES.has(code) ||
    LOST_SOCKET_CODES.has(code) ||
    LOST_MESSAGES.some((re) => re.test(error.message))
  )
}

/**
 * disk_full; insufficient_resources and others where the message names the cause (PostgreSQL
 * reports some failed writes as I/O errors); ENOSPC where a file system call failed in the driver.
 */
function isDiskFull(error: Error): boolean {
  const code = codeOf(error)
  return code === '53100' || code === 'ENOSPC' || /No space left on device/i.test(error.message)
}

/** The SQLSTATE or the Node system error code, '' when there is none. */
function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : ''
}
