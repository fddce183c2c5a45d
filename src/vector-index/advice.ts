import { warn, warnOnce } from '../warnings.js'
import type { Measure } from '../types.js'
import type { CurrentIndex } from './read.js'

/**
 * What to do about a collection's vector index, under the code of the warning that says the same.
 * The numbers are there so that a caller (the `vecs` command) can word its own line.
 */
export type Advice =
  | { code: 'VECS_NO_COVERING_INDEX'; rows: number; message: string }
  | { code: 'VECS_REINDEX_ADVISED'; rows: number; builtRows: number; message: string }
  | { code: 'VECS_IVFFLAT_LOW_DATA'; builtRows: number; lists: number; message: string }

/**
 * Every rule about the index, in one place, for `stats()`, the warnings and the CLI alike:
 * - no index: every query ranks every row;
 * - IVFFlat lists fit the rows they were trained on: past twice those rows, recall drops;
 * - IVFFlat trained on fewer than 10 rows a list clusters badly.
 * The IVFFlat rules need the rows at build time, which vecs keeps in the index's comment.
 */
export function adviseIndex(name: string, rows: number, index: CurrentIndex | null): Advice[] {
  if (index === null) return rows === 0 ? [] : [noIndex(name, rows)]
  const advice = reindexAdvice(name, rows, index, false) ?? lowDataAdvice(name, index)
  return advice === null ? [] : [advice]
}

/** Rows past twice those the IVFFlat index was built on: rebuild it. `estimated` rows say "about". */
export function reindexAdvice(
  name: string,
  rows: number,
  index: CurrentIndex,
  estimated: boolean,
): Advice | null {
  const builtRows = index.note?.rows
  if (index.info.method !== 'ivfflat' || builtRows === undefined) return null
  if (rows <= 2 * Math.max(builtRows, 1)) return null
  const now = estimated ? `about ${Math.round(rows)}` : String(rows)
  const message =
    `Collection "${name}" has grown from ${builtRows} rows to ${now} since its IVFFlat index was ` +
    'built: recall suffers. Rebuild it with collection.reindex().'
  return { code: 'VECS_REINDEX_ADVISED', rows: Math.round(rows), builtRows, message }
}

/** An IVFFlat index built on fewer than 10 rows a list: recall is poor until it is rebuilt. */
export function lowDataAdvice(name: string, index: CurrentIndex): Advice | null {
  const builtRows = index.note?.rows
  if (index.info.method !== 'ivfflat' || builtRows === undefined) return null
  const lists = index.info.nLists
  if (builtRows >= 10 * lists) return null
  const message =
    `IVFFlat index on "${name}" was built on ${builtRows} rows for ${lists} lists: recall will be ` +
    'poor. Build IVFFlat after loading the data (or use HNSW), and reindex() when the collection has grown.'
  return { code: 'VECS_IVFFLAT_LOW_DATA', builtRows, lists, message }
}

function noIndex(name: string, rows: number): Advice {
  const message = `Collection "${name}" has no vector index: every query ranks all ${rows} rows. Build one with createIndex().`
  return { code: 'VECS_NO_COVERING_INDEX', rows, message }
}

/** Emits the advice as a Node warning; with `onceFor`, once per process for that key. */
export function warnAdvice(advice: Advice, onceFor?: string): void {
  if (onceFor === undefined) warn(advice.code, advice.message)
  else warnOnce(onceFor, advice.code, advice.message)
}

/** A query's measure has no index that serves it: warned once per collection and measure. */
export function warnNoCoveringIndex(schema: string, name: string, measure: Measure): void {
  warnOnce(
    `${schema}.${name}:${measure}`,
    'VECS_NO_COVERING_INDEX',
    `Query on collection "${name}" has no covering index for ${measure}: it scans every row. ` +
      `See Collection.createIndex({ measure: '${measure}' }).`,
  )
}
