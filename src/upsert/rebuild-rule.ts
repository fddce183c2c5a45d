import { ArgError } from '../errors.js'

/**
 * Whether an upsert loads its rows first and builds the vector index after, instead of inserting
 * each row into the index: `'auto'` (the default) when the rule below says building is cheaper,
 * `true` whenever the collection has an index, `false` never.
 */
export type RebuildChoice = 'auto' | boolean

export function checkRebuild(value: unknown): RebuildChoice {
  if (value === undefined) return 'auto'
  if (value === 'auto' || value === true || value === false) return value
  throw new ArgError("rebuildIndex must be 'auto', true or false")
}

/** Below this many rows an upsert goes through the index: a build's fixed costs outweigh it. */
export const REBUILD_MIN_ROWS = 5_000

/**
 * The share of the rows already in the collection an upsert must bring for a rebuild to pay: a
 * build covers every row, old and new, while inserting covers only the new ones, each at a higher
 * price. Measured with HNSW on GloVe-100 (bench/rebuild-load.ts): a row through the index costs
 * 3-5 ms on a server and 7 ms on PGlite, a row of a build 0.7 ms and 1.7 ms, so a rebuild pays from
 * about a fifth (server) and a third (PGlite) of the rows there. On a server, 25,000 rows into
 * 100,000 took 0.87 of the time through the index, 100,000 into 100,000 0.30, into none 0.18.
 */
export const REBUILD_MIN_SHARE = 0.3

/** The automatic rule: enough rows, and enough of them relative to the rows there already. */
export function rebuildPays(written: number, existing: number): boolean {
  return written >= REBUILD_MIN_ROWS && written >= REBUILD_MIN_SHARE * Math.max(existing, 0)
}
