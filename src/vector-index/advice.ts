import { warn, warnOnce } from '../warnings.js'
import type { Measure } from '../types.js'
import { searchSetting, type CurrentIndex } from './read.js'

/**
 * What to do about a collection's vector index, under the code of the warning that says the same.
 * The numbers are there so that a caller (the `vecs` command) can word its own line.
 */
export type Advice =
  | { code: 'VECS_NO_COVERING_INDEX'; rows: number; message: string }
  | { code: 'VECS_REINDEX_ADVISED'; rows: number; builtRows: number; message: string }
  | { code: 'VECS_REINDEX_ADVISED'; recall: number; target: number; message: string }
  | { code: 'VECS_IVFFLAT_LOW_DATA'; builtRows: number; lists: number; message: string }
  | { code: 'VECS_RETUNE_ADVISED'; rows: number; tunedRows: number | null; message: string }

/**
 * Every rule about the index, in one place, for `stats()`, the warnings and the CLI alike:
 * - no index: every query ranks every row;
 * - IVFFlat lists fit the rows they were trained on: past twice those rows, recall drops;
 * - IVFFlat trained on fewer than 10 rows a list clusters badly;
 * - a tuning holds for about the rows it was measured on: past 1.5 times those (or under half),
 *   measure again; a build that skipped tuning (or its filtered part) for its cost asks for
 *   `tune()`;
 * - a tuning that could not reach its target: the index's arguments cap recall, rebuild.
 * These rules need what vecs keeps in the index's comment (rows at build, the tuning).
 */
export function adviseIndex(name: string, rows: number, index: CurrentIndex | null): Advice[] {
  if (index === null) return rows === 0 ? [] : [noIndex(name, rows)]
  const rebuild = reindexAdvice(name, rows, index, false) ?? lowDataAdvice(name, index)
  if (rebuild !== null) return [rebuild]
  const advice = [retuneAdvice(name, rows, index, false), unreachedAdvice(name, index)]
  return advice.filter((a) => a !== null)
}

/** A tuning measured on rows the collection no longer resembles in size, or one never made. */
export function retuneAdvice(
  name: string,
  rows: number,
  index: CurrentIndex,
  estimated: boolean,
): Advice | null {
  const tuning = index.note?.tuning
  if (tuning === undefined) {
    if (index.note?.tuneAdvised !== true) return null
    const message =
      `The vector index of "${name}" was not tuned when it was built (measuring recall would have ` +
      'cost more than a quarter of the build): queries use fixed rules. Run collection.tune().'
    return { code: 'VECS_RETUNE_ADVISED', rows: Math.round(rows), tunedRows: null, message }
  }
  if (rows <= RETUNE_GROWTH * tuning.rows && rows >= tuning.rows / 2) {
    if (tuning.filtered?.complete !== false) return null
    const measured = tuning.filtered.points.map((p) => `${Number((100 * p.share).toPrecision(2))}%`)
    const message =
      `The vector index of "${name}" was tuned when it was built, but filtered queries were ` +
      (measured.length === 0
        ? 'not measured'
        : `measured only for filters matching ${measured.join(', ')} of the rows`) +
      ' within its budget (a quarter of the build): sparser filters scan by a fixed rule. Run collection.tune().'
    return { code: 'VECS_RETUNE_ADVISED', rows: Math.round(rows), tunedRows: tuning.rows, message }
  }
  const now = estimated ? `about ${Math.round(rows)}` : String(rows)
  const message =
    `Collection "${name}" has ${now} rows; its index was tuned on ${tuning.rows} ` +
    `(recall ${tuning.recall.toFixed(3)} at ${settingOf(index)} ${tuning.setting}): the setting may ` +
    'no longer reach the target. Tune it again with collection.tune().'
  return { code: 'VECS_RETUNE_ADVISED', rows: Math.round(rows), tunedRows: tuning.rows, message }
}

/** Past 1.5 times the rows it was tuned on, an HNSW graph needs about a fifth more ef_search. */
const RETUNE_GROWTH = 1.5

/** Tuning found no setting reaching the target: the index's own arguments cap its recall. */
export function unreachedAdvice(name: string, index: CurrentIndex): Advice | null {
  const tuning = index.note?.tuning
  if (tuning === undefined || tuning.reached) return null
  const arguments_ =
    index.info.method === 'hnsw'
      ? `a larger m or efConstruction than m ${index.info.m}, efConstruction ${index.info.efConstruction} (builds take longer)`
      : `more lists than ${index.info.nLists}`
  const message =
    `The vector index of "${name}" reaches recall ${tuning.recall.toFixed(3)} at best ` +
    `(${settingOf(index)} ${tuning.setting}), short of the target ${tuning.target}: rebuild it with ` +
    `${arguments_}, or lower the target.`
  return {
    code: 'VECS_REINDEX_ADVISED',
    rows: tuning.rows,
    builtRows: index.note?.rows ?? tuning.rows,
    message,
  }
}

/** `ef_search` or `probes`, as query options and the CLI call them. */
const settingOf = (index: CurrentIndex) => searchSetting(index.info.method).split('.')[1]

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
