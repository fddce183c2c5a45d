import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ArgError } from '../errors.js'
import type { Backend, PgPoolLike } from './backend.js'
import type { PgOptions } from './pg.js'
import { directoryPlace } from './pglite-directory.js'

/**
 * What opening a database needs from the platform, in Node: node-postgres for servers and pools,
 * directories on disk for PGlite. Its twin `platform.browser.ts` takes its place in the browser
 * build (scripts/build.mjs), where neither exists.
 */
export async function openServer(url: string, options: PgOptions): Promise<Backend> {
  return (await import('./pg.js')).openPgUrl(url, options)
}

export async function openPool(pool: PgPoolLike): Promise<Backend> {
  return (await import('./pg.js')).pgBackend(pool, false)
}

/** A path, or a `file://` URL: PGlite in that directory, locked while open. */
export async function openDirectory(location: string): Promise<Backend> {
  const dir = location.startsWith('file://') ? fileURLToPath(location) : resolve(location)
  return (await import('./pglite.js')).openPGlite(directoryPlace(dir))
}

/** `idb://` and the like: storage only a browser has. */
export async function openBrowserStore(location: string): Promise<Backend> {
  throw new ArgError(
    `${location.split('://')[0]}:// is browser storage: in Node, give a directory path (or memory://)`,
  )
}
