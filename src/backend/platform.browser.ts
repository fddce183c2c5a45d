import { ArgError } from '../errors.js'
import type { Backend, PgPoolLike } from './backend.js'
import type { PgOptions } from './pg.js'

/**
 * What opening a database needs from the platform, in a browser: PGlite in memory or in the
 * browser's own storage (`idb://name`, IndexedDB). node-postgres and directories need Node; the
 * browser build (scripts/build.mjs) puts this file where `platform.ts` stands.
 */
const EMBEDDED_ONLY =
  'in a browser vecs is embedded: createClient() or memory:// (in memory), or idb://<name> (kept in IndexedDB)'

export async function openServer(_url: string, _options: PgOptions): Promise<Backend> {
  throw new ArgError(
    `a server URL needs Node.js (node-postgres does not run in a browser); ${EMBEDDED_ONLY}`,
  )
}

export async function openPool(_pool: PgPoolLike): Promise<Backend> {
  throw new ArgError(
    `{ pool } needs Node.js (node-postgres does not run in a browser); ${EMBEDDED_ONLY}`,
  )
}

export async function openDirectory(location: string): Promise<Backend> {
  throw new ArgError(`a directory (${location}) needs Node.js; ${EMBEDDED_ONLY}`)
}

export async function openBrowserStore(location: string): Promise<Backend> {
  const { openPGlite } = await import('./pglite.js')
  return openPGlite({ dataDir: location, where: `in ${location}`, release() {} })
}
