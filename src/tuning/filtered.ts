import { performance } from 'node:perf_hooks'
import type { Backend } from '../backend/backend.js'
import { execute } from '../sql/execute.js'
import { selectNearest } from '../sql/nearest.js'
import { settingsPrelude, type LocalSettings } from '../sql/settings.js'
import { copyStandInRows, standInFilter, standInRows, STAND_IN_PARTS } from '../sql/stand-in.js'
import type { TableRef } from '../sql/tables.js'
import type { FilteredPoint, FilteredProfile } from '../vector-index/note.js'
import { filteredScanTuples } from '../vector-index/args.js'
import { searchSetting, type IndexInfo } from '../vector-index/read.js'
import { nearest, recallOf, withoutSelf, type Hit, type TruthQuery } from './recall.js'
import { findCheapest, summarize } from './search.js'

/** The shares of the rows a stand-in filter matches, in 1024ths: about 10%, 1% and 0.1%. */
const SHARES = [102, 10, 1]
/** A share is measured where it holds at least this many pages of matching rows… */
const MIN_PAGES = 10
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
}

/**
 * Measures filtered queries on the index at a stand-in filter matching about 10%, 1% and 0.1% of
 * the rows (each where the collection has enough of them): exact answers from a copy of just those
 * rows, then the query vecs sends for a filter (an iterative scan, re-sorted) at the tuned setting,
 * twice it, four times it… up to pgvector's ceiling, until the mean recall reaches the aim (a
 * sample of 100 queries: its margin would ask a filtered query for nearly every neighbour). The query
 * planner may choose otherwise than the index at some setting: that plan is measured, as users
 * would get it.
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
  for (const parts of SHARES) {
    const share = parts / STAND_IN_PARTS
    const matching = share * rows
    if (matching < MIN_PAGES * plan.limit || matching > MAX_ROWS) continue
    report(`exact search, filter matching ${percent(share)}`)
    const truth = await standInTruth(db, table, index, parts, plan.limit, queries)
    if (truth.length === 0) continue
    points.push(await scaleFor(db, table, index, parts, truth, plan, report))
  }
  return points.length === 0 ? null : { points, exactMs: plan.exactMs }
}

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
 * The cheapest setting from the tuned one up to the ceiling whose mean recall reaches the aim
 * (see `findCheapest`), as a multiple of the tuned setting; or, where none does, the recall and
 * time at the ceiling.
 */
async function scaleFor(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  parts: number,
  truth: readonly TruthQuery[],
  plan: FilteredPlan,
  report: (phase: string) => void,
): Promise<FilteredPoint> {
  const share = parts / STAND_IN_PARTS
  const found = await findCheapest(
    { from: plan.setting, to: plan.ceiling },
    plan.aim,
    async (setting) => {
      report(
        `measuring ${searchSetting(index.method)} ${setting}, filter matching ${percent(share)}`,
      )
      const m = await measureFilteredSetting(db, table, index, parts, truth, setting, plan.limit)
      // Whatever plan the planner chose is measured: users' filtered queries get the same.
      return { setting, forceIndex: false, usedIndex: true, ...m }
    },
    (m) => m.recall,
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
  return db.transaction(async (tx) => {
    const recalls: number[] = []
    const started = performance.now()
    for (const q of truth) {
      const statement = filteredNearest(table, index, q.vec, parts, limit + 1)
      const hits = withoutSelf(await execute<Hit>(tx, statement), q.id, limit)
      recalls.push(recallOf(hits, q))
    }
    const ms = (performance.now() - started) / Math.max(1, truth.length)
    return { ...summarize(recalls), ms }
  }, settingsPrelude(settings))
}

function filteredNearest(
  table: TableRef,
  index: IndexInfo,
  vec: Buffer,
  parts: number,
  limit: number,
) {
  return selectNearest(table, {
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
