import { ArgError } from '../errors.js'
import type { Backend, PGliteLike, PgPoolLike } from './backend.js'
import type { PgOptions } from './pg.js'
import { openBrowserStore, openDirectory, openPool, openServer } from './platform.js'
import { hasMethods, isObject } from './shape.js'

/** Where a client's data lives: a location string, or a handle the user already has. */
export type Location = string | { pool: PgPoolLike } | { pglite: PGliteLike }

/**
 * Chooses the backend from the location and loads its driver only then: `postgres://` and
 * `postgresql://` → node-postgres; `memory://` or nothing → PGlite in memory; a path or `file://`
 * → PGlite in that directory; `idb://name` → PGlite in the browser's IndexedDB. What the
 * platform cannot open (a server in a browser, IndexedDB in Node) is an ArgError from platform.ts.
 */
export async function openBackend(
  location: Location | undefined,
  options: PgOptions,
): Promise<Backend> {
  if (location === undefined || location === 'memory://') {
    const { openPGlite, IN_MEMORY } = await import('./pglite.js')
    return openPGlite(IN_MEMORY)
  }
  if (typeof location === 'string') return openString(location, options)
  const handle = checkHandle(location)
  if ('pool' in handle) return openPool(handle.pool)
  return (await import('./pglite.js')).wrapPGlite(handle.pglite)
}

/**
 * A `{ pool }` or `{ pglite }` location, its handle checked for the members vecs calls, so that a
 * wrong object is an ArgError here rather than a TypeError in the middle of the first query.
 */
function checkHandle(location: unknown): { pool: PgPoolLike } | { pglite: PGliteLike } {
  const keys = isObject(location) && !Array.isArray(location) ? Object.keys(location) : []
  const [key] = keys
  if (keys.length !== 1 || (key !== 'pool' && key !== 'pglite')) {
    throw new ArgError('location must be a URL, a directory, { pool } or { pglite }')
  }
  const handle = (location as Record<string, unknown>)[key]
  // A client (checked out, or on its own) as a pool: vecs' COMMIT would end the user's transaction.
  if (
    key === 'pool' &&
    (hasMethods(handle, ['release']) || (isObject(handle) && 'processID' in handle))
  ) {
    throw new ArgError(
      '{ pool } must be a node-postgres Pool, not a client: to write in your transaction on a client, use collection.withTransaction(client)',
    )
  }
  if (key === 'pool' && hasMethods(handle, ['connect', 'query'])) {
    return { pool: handle as PgPoolLike }
  }
  if (key === 'pglite' && hasMethods(handle, ['execProtocolStream', 'close'])) {
    return { pglite: handle as PGliteLike }
  }
  throw new ArgError(
    key === 'pool'
      ? '{ pool } must be a node-postgres Pool'
      : '{ pglite } must be a PGlite instance',
  )
}

/** A `postgres://` or `postgresql://` URL: a server, not an embedded database. */
export function isServerUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

async function openString(location: string, options: PgOptions): Promise<Backend> {
  if (isServerUrl(location)) return openServer(location, options)
  if (location.startsWith('file://')) return openDirectory(location)
  if (/^(idb|opfs-ahp):\/\/./.test(location)) return openBrowserStore(location)
  if (location === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new ArgError(
      'location must be postgres://, postgresql://, memory://, file://, idb:// or a directory path',
    )
  }
  return openDirectory(location)
}
