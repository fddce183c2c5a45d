import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ArgError } from '../errors.js'
import type { Backend, PGliteLike, PgPoolLike } from './backend.js'
import type { PgOptions } from './pg.js'

/** Where a client's data lives: a location string, or a handle the user already has. */
export type Location = string | { pool: PgPoolLike } | { pglite: PGliteLike }

/**
 * Chooses the backend from the location and loads its driver only then: `postgres://` and
 * `postgresql://` → node-postgres; `memory://` or nothing → PGlite in memory; a path or `file://`
 * → PGlite in that directory.
 */
export async function openBackend(
  location: Location | undefined,
  options: PgOptions,
): Promise<Backend> {
  if (location === undefined || location === 'memory://') {
    return (await import('./pglite.js')).openPGlite(null)
  }
  if (typeof location === 'string') return openString(location, options)
  if (isObject(location) && 'pool' in location && location.pool) {
    return (await import('./pg.js')).pgBackend(location.pool, false)
  }
  if (isObject(location) && 'pglite' in location && location.pglite) {
    return (await import('./pglite.js')).wrapPGlite(location.pglite)
  }
  throw new ArgError('location must be a URL, a directory, { pool } or { pglite }')
}

async function openString(location: string, options: PgOptions): Promise<Backend> {
  if (/^postgres(ql)?:\/\//i.test(location))
    return (await import('./pg.js')).openPgUrl(location, options)
  if (location.startsWith('file://'))
    return (await import('./pglite.js')).openPGlite(fileURLToPath(location))
  if (location === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new ArgError(
      'location must be postgres://, postgresql://, memory://, file:// or a directory path',
    )
  }
  return (await import('./pglite.js')).openPGlite(resolve(location))
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}
