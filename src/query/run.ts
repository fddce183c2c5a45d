import type { Backend } from '../backend/backend.js'
import { executeCompiled } from '../sql/execute.js'
import { explain } from '../sql/nearest.js'
import { settingsPrelude } from '../sql/settings.js'
import type { SearchAttempt, SearchPlan } from './plan.js'
import type { NearestRow } from './results.js'

/**
 * Runs a planned query: each attempt as one statement when it needs no settings, else in one
 * transaction whose BEGIN carries them; the fallbacks only while the page is short.
 */
export async function runSearch(
  db: Backend,
  plan: SearchPlan,
  limit: number,
): Promise<NearestRow[]> {
  let rows = await runAttempt(db, plan)
  for (const fallback of plan.fallbacks) {
    if (rows.length >= limit) break
    rows = await runAttempt(db, fallback)
  }
  return rows
}

function runAttempt(db: Backend, attempt: SearchAttempt): Promise<NearestRow[]> {
  const prelude = settingsPrelude(attempt.settings)
  if (prelude === '') return executeCompiled<NearestRow>(db, attempt.statement)
  return db.transaction((tx) => executeCompiled<NearestRow>(tx, attempt.statement), prelude)
}

/**
 * The plan text of exactly the statement `runSearch` sends first, under the same settings, and a
 * last line `vecs settings: hnsw.ef_search = 40, …` naming them.
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
    return lines.map((line) => line['QUERY PLAN']).join('\n')
  }, settingsPrelude(plan.settings))
}
