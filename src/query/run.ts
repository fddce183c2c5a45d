import type { Backend } from '../backend/backend.js'
import { execute, executeCompiled } from '../sql/execute.js'
import { explain } from '../sql/nearest.js'
import {
  setSessionSearch,
  settingsPrelude,
  type LocalSettings,
  type SearchSetting,
  type SearchSettings,
} from '../sql/settings.js'
import type { SearchAttempt, SearchPlan, ServerFeatures } from './plan.js'
import type { NearestRow } from './results.js'

/**
 * Runs a planned query: each attempt as one statement where it can be, and the fallbacks only
 * while the page is short.
 */
export async function runSearch(
  db: Backend,
  plan: SearchPlan,
  limit: number,
  features: ServerFeatures,
): Promise<NearestRow[]> {
  let rows = await runAttempt(db, plan, features)
  for (const fallback of plan.fallbacks) {
    if (rows.length >= limit) break
    rows = await runAttempt(db, fallback, features)
  }
  return rows
}

/**
 * - Planner settings hold for one transaction only: SET LOCAL with the BEGIN.
 * - On a session vecs owns, the search settings are set for the session and stay, so that the
 *   next search on that connection with the same settings is one statement, one round trip; only
 *   what differs from what the connection keeps is set again.
 * - On a user's pool or PGlite they are set locally in a transaction, except those the user
 *   promised the session holds (`assumeDefaultSettings`): with none left, one statement.
 */
function runAttempt(
  db: Backend,
  attempt: SearchAttempt,
  features: ServerFeatures,
): Promise<NearestRow[]> {
  if (Object.keys(attempt.planner).length > 0) return inTransaction(db, attempt, attempt.runsWith)
  if (features.ownsSessions) {
    return db.session(async (session, kept) => {
      const change = differing(attempt.search, kept)
      if (Object.keys(change).length > 0) {
        await execute(session, setSessionSearch(change))
        for (const [name, value] of Object.entries(change)) kept.set(name, value)
      }
      return executeCompiled<NearestRow>(session, attempt.statement)
    })
  }
  const local = differing(attempt.search, features.sessionDefaults)
  if (Object.keys(local).length === 0) return executeCompiled<NearestRow>(db, attempt.statement)
  return inTransaction(db, attempt, local)
}

function inTransaction(
  db: Backend,
  attempt: SearchAttempt,
  settings: LocalSettings,
): Promise<NearestRow[]> {
  return db.transaction(
    (tx) => executeCompiled<NearestRow>(tx, attempt.statement),
    settingsPrelude(settings),
  )
}

/** The settings in `wanted` that `held` does not hold at the same value (all of them without `held`). */
function differing(
  wanted: SearchSettings,
  held: ReadonlyMap<string, string> | Readonly<SearchSettings> | null,
): SearchSettings {
  const differ: SearchSettings = {}
  for (const [name, value] of Object.entries(wanted) as [SearchSetting, string][]) {
    const current = isMap(held) ? held.get(name) : held?.[name]
    if (current !== value) differ[name] = value
  }
  return differ
}

/**
 * The plan text of exactly the statement `runSearch` sends first, under the same settings, and a
 * last line `vecs settings: hnsw.ef_search = 40, …` naming them (or, for an exact search,
 * `vecs: exact search, every matching row ranked`).
 */
export async function explainSearch(
  db: Backend,
  plan: SearchPlan,
  analyze: boolean,
): Promise<string> {
  return db.transaction(async (tx) => {
    const lines = await executeCompiled<{ 'QUERY PLAN': string }>(
      tx,
      explain(plan.statement, analyze),
    )
    const settings = Object.entries(plan.runsWith).map(([name, value]) => `${name} = ${value}`)
    if (settings.length > 0) lines.push({ 'QUERY PLAN': `vecs settings: ${settings.join(', ')}` })
    if (plan.exact) lines.push({ 'QUERY PLAN': 'vecs: exact search, every matching row ranked' })
    return lines.map((line) => line['QUERY PLAN']).join('\n')
  }, settingsPrelude(plan.runsWith))
}

function isMap(
  held: ReadonlyMap<string, string> | Readonly<SearchSettings> | null,
): held is ReadonlyMap<string, string> {
  return held instanceof Map
}
