import type { CurrentIndex } from './read.js'

/**
 * A collection's index as last read or built: the read under way, and its value once known, so a
 * query on a warm collection does not wait a turn for it.
 */
export interface IndexCache {
  readonly promise: Promise<CurrentIndex | null>
  known?: { readonly value: CurrentIndex | null }
}

export function cacheIndex(promise: Promise<CurrentIndex | null>): IndexCache {
  const cache: IndexCache = { promise }
  promise.then(
    (value) => (cache.known = { value }),
    () => {},
  )
  return cache
}
