import type { Backend } from '../backend/backend.js'
import { execute } from '../sql/execute.js'
import { commentOnIndex } from '../sql/indexes.js'
import { countRows } from '../sql/rows.js'
import { lockCollection, type TableRef } from '../sql/tables.js'
import { MAX_EF_SEARCH } from '../vector-index/args.js'
import {
  formatBuildNote,
  parseBuildNote,
  type BuildNote,
  type Tuning,
} from '../vector-index/note.js'
import { readIndex, searchSetting, type CurrentIndex } from '../vector-index/read.js'
import {
  nearbyQueries,
  exactTruth,
  givenQueries,
  measureSetting,
  sampleRows,
  type SampleQuery,
} from './recall.js'
import { measurableShares, measureFiltered } from './filtered.js'
import { findCheapest } from './search.js'
import type { TunePlan } from './tune-options.js'

/** Fewer sample queries than this leave too wide a margin to tune on. */
export const MIN_QUERIES = 40
/**
 * Sample queries that measure filtered queries (each share costs a few settings of them); fewer in
 * a build's tuning, which measures them with what is left of its budget: the shares it has no time
 * for scan by rule, and vecs advises `tune()`.
 */
const FILTERED_QUERIES = 100
const FILTERED_QUERIES_AT_BUILD = 50
/**
 * The share of a build's budget the unfiltered tuning sizes its sample to where filtered queries
 * are measured too: on GloVe-100 the filtered measurement cost about a third of the unfiltered
 * (3.2 s against 11.6 s on 100,000 words, 9.7 s against 28 s on 317,230, HNSW).
 */
const UNFILTERED_BUDGET_SHARE = 0.7

/**
 * A sample query costs one exact search and an approximate one for each setting the search tries,
 * plus the one that sizes its move (the kind timed): doubling across the range, then halving the
 * last gap to a tenth, about log2(range) + 4 in all.
 */
function approximatePerQuery(range: { from: number; to: number }): number {
  return Math.ceil(Math.log2(Math.max(2, range.to / range.from))) + 4
}
/** Queries timed to size the sample to a budget. */
const CALIBRATION_QUERIES = 3

export type TuneOutcome =
  /** The index with its tuning in its note. */
  | { readonly tuned: CurrentIndex }
  | { readonly skipped: 'few rows'; readonly rows: number }
  /** Another client replaced the index while it was measured: its build tunes its own. */
  | { readonly skipped: 'replaced'; readonly rows: number }
  | {
      readonly skipped: 'over budget'
      readonly rows: number
      readonly estimateMs: number
      readonly budgetMs: number
    }

/**
 * Measures the index against exact search on queries made from rows sampled from the collection
 * (each query's own row left out; see `nearbyQuery`), or given by the user, and keeps, in the index's
 * note, the cheapest `hnsw.ef_search` or `ivfflat.probes` whose recall, less its sampling margin,
 * reaches the target; then how far filtered queries must scan to reach it too (see
 * `measureFiltered`). With a budget (a build's tuning), a few searches timed first size the sample
 * to what fits (never under MIN_QUERIES, else it gives up and says so).
 */
export async function tuneIndex(
  db: Backend,
  table: TableRef,
  index: CurrentIndex,
  plan: TunePlan,
  budgetMs: number | null,
  /** pgvector ≥ 0.8: filtered queries scan iteratively, and tuning measures them. */
  iterativeScans: boolean,
): Promise<TuneOutcome> {
  const started = performance.now()
  const [count] = await execute<{ count: number }>(db, countRows(table))
  const rows = count?.count ?? 0
  if (rows <= plan.limit + 1) return { skipped: 'few rows', rows }
  const report = plan.onProgress ?? (() => {})
  const filteredToo = iterativeScans && measurableShares(rows, plan.limit).length > 0
  let perQueryMs = 0
  const spentMs = () => performance.now() - started
  const estimate = (n: number) => Math.round(spentMs() + n * perQueryMs)
  /** How many sample queries fit what is left of the budget, from a few searches of each kind timed. */
  const affordable = async (candidates: readonly SampleQuery[]) => {
    const probe = candidates.slice(0, CALIBRATION_QUERIES)
    const t0 = performance.now()
    await exactTruth(db, table, index.info.measure, plan.limit, probe)
    const t1 = performance.now()
    await nearbyQueries(db, table, index.info, plan.limit, probe)
    const n = Math.max(1, probe.length)
    const approximate = approximatePerQuery(searchRange(index, plan.limit))
    perQueryMs = (t1 - t0) / n + (approximate * (performance.now() - t1)) / n
    const share = filteredToo ? UNFILTERED_BUDGET_SHARE : 1
    const left = (budgetMs ?? 0) * share - spentMs()
    return Math.min(candidates.length, Math.floor(left / perQueryMs))
  }
  report({ phase: 'sampling queries', percent: null })
  const { queries } = plan
  let sample: SampleQuery[]
  if (typeof queries === 'number') {
    const rowsSampled = await sampleRows(db, table, Math.min(queries, rows))
    const count = budgetMs === null ? rowsSampled.length : await affordable(rowsSampled)
    if (count < MIN_QUERIES) {
      // Progress ends at 100 whatever happens: the call is done.
      report({ phase: 'not tuned: over budget', percent: 100 })
      return {
        skipped: 'over budget',
        rows,
        estimateMs: estimate(rowsSampled.length),
        budgetMs: budgetMs ?? 0,
      }
    }
    sample = await nearbyQueries(db, table, index.info, plan.limit, rowsSampled.slice(0, count))
  } else {
    sample = givenQueries(queries)
  }
  const exactStarted = performance.now()
  const measured = await exactTruth(db, table, index.info.measure, plan.limit, sample, (done) =>
    report({ phase: 'exact search', percent: Math.round((100 * done) / sample.length) }),
  )
  const exactMs = (performance.now() - exactStarted) / Math.max(1, sample.length)
  const made = typeof queries === 'number'
  const found = await findCheapest(
    searchRange(index, plan.limit),
    made ? withEstimateError(plan.targetRecall) : plan.targetRecall,
    (setting, forceIndex) => {
      report({ phase: `measuring ${searchSetting(index.info.method)} ${setting}`, percent: null })
      return measureSetting(db, table, index.info, plan.limit, measured, setting, forceIndex)
    },
    undefined,
    undefined,
    // A build's unfiltered search ends its halving at its share of the budget.
    () => budgetMs !== null && spentMs() > budgetMs * (filteredToo ? UNFILTERED_BUDGET_SHARE : 1),
  )
  const filtered =
    filteredToo && found.reached
      ? await measureFiltered(
          db,
          table,
          index.info,
          rows,
          measured.slice(0, budgetMs === null ? FILTERED_QUERIES : FILTERED_QUERIES_AT_BUILD),
          {
            setting: found.best.setting,
            ceiling: searchRange(index, plan.limit).to,
            // Queries made from rows measure filtered recall low, if anything (bench/tuning.ts).
            aim: plan.targetRecall,
            limit: plan.limit,
            exactMs,
            settingMs: found.best.ms,
            deadline: budgetMs === null ? null : started + budgetMs,
          },
          (phase) => report({ phase, percent: null }),
        )
      : null
  const tuned: Tuning = {
    ...(filtered === null ? {} : { filtered }),
    setting: found.best.setting,
    forceIndex: found.best.forceIndex,
    target: plan.targetRecall,
    recall: found.best.recall,
    reached: found.reached,
    queries: measured.length,
    limit: plan.limit,
    rows,
    at: new Date().toISOString(),
  }
  const kept = await rewriteNote(db, table, index, rows, (note) => ({ ...note, tuning: tuned }))
  if (kept === null) {
    report({ phase: 'not tuned: the index was replaced', percent: 100 })
    return { skipped: 'replaced', rows }
  }
  report({ phase: 'tuned', percent: 100 })
  return { tuned: kept }
}

/**
 * What queries made from stored rows must reach for unseen ones to reach `target`: they measure
 * within about 0.015 of held-out words on GloVe-100, either way (bench/tuning-queries.ts: 0.951
 * against 0.938 on 10,000 words at ef_search 40), so a quarter of the misses the target allows is
 * added (0.9625 for 0.95, 0.9975 for 0.99). The user's own queries are measured as they are.
 */
function withEstimateError(target: number): number {
  return target + 0.25 * (1 - target)
}

/**
 * pgvector's own default ef_search: tuning never goes below it. On small collections vecs' queries
 * read a little high where recall climbs steeply (10,000 GloVe words reach 0.95 at ef_search 40 by
 * them, at 60 by held-out words), and below 40 the time saved is a fraction of a millisecond.
 */
const PGVECTOR_EF_SEARCH = 40

/**
 * ef_search from pgvector's default (and never below the page size, which gives short pages);
 * probes past the lists probe nothing more.
 */
function searchRange(index: CurrentIndex, limit: number) {
  return index.info.method === 'hnsw'
    ? { from: Math.min(Math.max(limit, PGVECTOR_EF_SEARCH), MAX_EF_SEARCH), to: MAX_EF_SEARCH }
    : { from: 1, to: index.info.nLists }
}

/**
 * Rewrites the note of `index` with `change`, unless another client replaced the index meanwhile
 * (then null); the index as it now stands. An index vecs did not build gets a note first: rows
 * now, its lists as given.
 */
export async function rewriteNote(
  db: Backend,
  table: TableRef,
  index: CurrentIndex,
  rows: number,
  change: (note: BuildNote) => BuildNote,
): Promise<CurrentIndex | null> {
  return db.transaction(async (tx) => {
    await execute(tx, lockCollection(table))
    const now = await readIndex(tx, table)
    if (now?.info.name !== index.info.name) return null
    const comment = formatBuildNote(change(now.note ?? { rows, autoLists: false }))
    await execute(tx, commentOnIndex(table, now.info.name, comment))
    // As every client reads it back (the comment rounds the measured recall).
    return { ...now, note: parseBuildNote(comment) }
  })
}
