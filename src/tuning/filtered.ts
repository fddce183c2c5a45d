import type { Backend } from '../backend/backend.js'
import { execute } from '../sql/execute.js'
import { scanAt } from '../vector-index/rerank.js'
import { selectNearest } from '../sql/nearest.js'
import { readSettingsOn, settingsPrelude, type LocalSettings } from '../sql/settings.js'
import { copyStandInRows, standInFilter, standInRows, STAND_IN_PARTS } from '../sql/stand-in.js'
import type { TableRef } from '../sql/tables.js'
import type { FilteredPoint, FilteredProfile } from '../vector-index/note.js'
import { filteredScanTuples } from '../vector-index/args.js'
import { searchSetting, type IndexInfo } from '../vector-index/read.js'
import { nearest, recallOf, withoutSelf, type Hit, type TruthQuery } from './recall.js'
import { Clock, OverBudget } from './clock.js'
import { findCheapest, summarize } from './search.js'

/** The shares of the rows a stand-in filter matches, in 1024ths: about 10%, 1% and 0.1%. */
const SHARES = [102, 10, 1]
/**
 * A share is measured where it holds at least this many pages of matching rows (on 10,000 GloVe
 * words, 1% is 98 rows: left unmeasured, its queries ran exact at 1.6 times the time of an index
 * scan that found every neighbour)…
 */
const MIN_PAGES = 5
/** …and copying its rows stays cheap. */
const MAX_ROWS = 50_000

export interface FilteredPlan {
  readonly setting: number
  /** pgvector's ceiling for the setting (ef_search 1000, or the lists). */
  readonly ceiling: number
  /** What each share's queries must reach. */
  readonly aim: number
  readonly limit: number
  /** Mean time of an exact search of the whole table, as measured for the unfiltered tuning. */
  readonly exactMs: number
  /** Mean time of an unfiltered query at `setting`: what the first measurement is predicted from. */
  readonly settingMs: number
  /** The `performance.now()` by which a build's tuning must end; null for `tune()`. */
  readonly deadline: number | null
}

/** The shares (in 1024ths) worth measuring on a collection of `rows`, the commonest first. */
export function measurableShares(rows: number, limit: number): number[] {
  return SHARES.filter((parts) => {
    const matching = (parts / STAND_IN_PARTS) * rows
    return matching >= MIN_PAGES * limit && matching <= MAX_ROWS
  })
}

/**
 * Measures filtered queries on the index at a stand-in filter matching about 10%, 1% and 0.1% of
 * the rows (each where the collection has enough of them), the commonest first: exact answers
 * from a copy of just those rows, then the query vecs sends for a filter (an iterative scan,
 * re-sorted) from the setting the commoner share needed (the tuned one at first), twice it, four
 * times it… up to pgvector's ceiling, until the mean recall reaches the aim (a sample of 100
 * queries: its margin would ask a filtered query for nearly every neighbour). A sparser filter
 * scans further for the same recall, so the search stops where a share reaches the aim at no
 * setting, or only slower than an exact search: sparser shares would run exact too. The query
 * planner may choose otherwise than the index at some setting: that plan is measured, as users
 * would get it. A build's tuning stops before a measurement that would end past its deadline; the
 * profile then says it is incomplete.
 */
export async function measureFiltered(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  rows: number,
  queries: readonly TruthQuery[],
  plan: FilteredPlan,
  report: (phase: string) => void,
): Promise<FilteredProfile | null> {
  const points: FilteredPoint[] = []
  const clock = new Clock(plan.deadline, plan.settingMs / Math.max(1, plan.setting))
  let from = plan.setting
  try {
    for (const parts of measurableShares(rows, plan.limit)) {
      const share = parts / STAND_IN_PARTS
      clock.before(queries.length * plan.exactMs * share * TRUTH_OVERHEAD)
      report(`exact search, filter matching ${percent(share)}`)
      const truth = await standInTruth(db, table, index, parts, plan.limit, queries)
      if (truth.length === 0) continue
      const point = await scaleFor(db, table, index, parts, truth, { ...plan, from }, clock, report)
      points.push(point)
      if (point.scale === null) break
      from = Math.round(plan.setting * point.scale)
    }
  } catch (error) {
    if (!(error instanceof OverBudget)) throw error
    return { points, exactMs: plan.exactMs, complete: false }
  }
  return points.length === 0 ? null : { points, exactMs: plan.exactMs, complete: true }
}

/** Copying a share's rows and ranking them costs about this many times ranking them in place. */
const TRUTH_OVERHEAD = 2

/** The exact neighbours of each query among the rows the stand-in filter picks. */
async function standInTruth(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  parts: number,
  limit: number,
  queries: readonly TruthQuery[],
): Promise<TruthQuery[]> {
  return db.transaction(async (tx) => {
    await execute(tx, copyStandInRows(table, parts))
    const truth: TruthQuery[] = []
    for (const q of queries) {
      const hits = withoutSelf(
        await nearest(tx, standInRows(table), index.measure, q.vec, limit + 1),
        q.id,
        limit,
      )
      const last = hits[hits.length - 1]
      if (last !== undefined && hits.length === limit)
        truth.push({ ...q, kth: last.value, size: limit })
    }
    return truth
  })
}

/**
 * The cheapest setting from `from` up to the ceiling whose mean recall reaches the aim (see
 * `findCheapest`), as a multiple of the tuned setting; or, where none does (or none before the
 * index scan takes longer than an exact search), the recall and time at the last setting tried.
 */
async function scaleFor(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  parts: number,
  truth: readonly TruthQuery[],
  plan: FilteredPlan & { readonly from: number },
  clock: Clock,
  report: (phase: string) => void,
): Promise<FilteredPoint> {
  const share = parts / STAND_IN_PARTS
  const found = await findCheapest(
    { from: plan.from, to: plan.ceiling },
    plan.aim,
    async (setting) => {
      clock.beforeSetting(setting, share, truth.length)
      report(
        `measuring ${searchSetting(index.method)} ${setting}, filter matching ${percent(share)}`,
      )
      const m = await measureFilteredSetting(db, table, index, parts, truth, setting, plan.limit)
      clock.measured(setting, share, m.ms)
      // Whatever plan the planner chose is measured: users' filtered queries get the same.
      return { setting, forceIndex: false, usedIndex: true, ...m }
    },
    (m) => m.recall,
    (m) => m.ms > plan.exactMs,
  )
  const { setting, recall, ms } = found.best
  return { share, scale: found.reached ? setting / plan.setting : null, recall, ms }
}

async function measureFilteredSetting(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  parts: number,
  truth: readonly TruthQuery[],
  setting: number,
  limit: number,
) {
  // As a filtered query runs (see query/plan.ts).
  const settings: LocalSettings = {
    [searchSetting(index.method)]: String(setting),
    [`${index.method}.iterative_scan`]: 'relaxed_order',
  }
  if (index.method === 'hnsw')
    settings['hnsw.max_scan_tuples'] = String(filteredScanTuples(limit, parts / STAND_IN_PARTS))
  return db.transaction(
    async (tx) => {
      const recalls: number[] = []
      const started = performance.now()
      for (const q of truth) {
        const statement = filteredNearest(table, index, q.vec, parts, limit + 1, setting)
        const hits = withoutSelf(await execute<Hit>(tx, statement), q.id, limit)
        recalls.push(recallOf(hits, q))
      }
      const ms = (performance.now() - started) / Math.max(1, truth.length)
      return { ...summarize(recalls), ms }
    },
    settingsPrelude(readSettingsOn(table, settings)),
  )
}

function filteredNearest(
  table: TableRef,
  index: IndexInfo,
  vec: Uint8Array,
  parts: number,
  limit: number,
  setting: number,
) {
  return selectNearest(table, {
    ...scanAt(index, limit, setting),
    vec,
    measure: index.measure,
    limit,
    where: standInFilter(parts),
    includeValue: true,
    includeVector: false,
    includeMetadata: false,
    resort: true,
    exact: false,
  })
}

function percent(share: number): string {
  return `${Number((100 * share).toPrecision(2))}%`
}
