import type { Backend } from '../backend/backend.js'
import { ArgError, VecsError } from '../errors.js'
import type { TableRef } from '../sql/tables.js'
import { retuneAdvice, warnAdvice } from '../vector-index/advice.js'
import type { IndexPlan } from '../vector-index/index-options.js'
import { readIndex, tuningOf, type CurrentIndex, type IndexTuning } from '../vector-index/read.js'
import { planTune, type TuneOptions } from './tune-options.js'
import { rewriteNote, tuneIndex } from './tune.js'

/** Tuning may add a quarter of the build's time, and always two seconds. */
const BUILD_BUDGET_SHARE = 0.25
const BUILD_BUDGET_FLOOR_MS = 2000

/**
 * Tunes an index just built to the plan's target, within the build's budget; over it, notes in
 * the index that tuning is advised and warns `VECS_RETUNE_ADVISED` (as where filtered queries
 * were measured only in part). The index as it now stands.
 */
export async function tuneAfterBuild(
  db: Backend,
  table: TableRef,
  built: CurrentIndex,
  plan: IndexPlan,
  buildMs: number,
  /** pgvector ≥ 0.8: filtered queries scan iteratively, and tuning measures them. */
  iterativeScans: boolean,
): Promise<CurrentIndex> {
  if (plan.targetRecall === null) return built
  const budgetMs = Math.max(BUILD_BUDGET_SHARE * buildMs, BUILD_BUDGET_FLOOR_MS)
  const tunePlan = planTune(
    { targetRecall: plan.targetRecall, onProgress: plan.onProgress },
    table.dimension,
  )
  const outcome = await tuneIndex(db, table, built, tunePlan, budgetMs, iterativeScans)
  if ('tuned' in outcome) {
    // Tuned, though perhaps without every filtered share: then tune() is advised.
    const partly = retuneAdvice(
      table.name,
      outcome.tuned.note?.tuning?.rows ?? 0,
      outcome.tuned,
      false,
    )
    if (partly !== null) warnAdvice(partly)
    return outcome.tuned
  }
  if (outcome.skipped === 'replaced') return (await readIndex(db, table)) ?? built
  if (outcome.skipped === 'few rows') return built
  const marked = await rewriteNote(db, table, built, outcome.rows, (note) => ({
    ...note,
    tuneAdvised: true,
  }))
  if (marked === null) return (await readIndex(db, table)) ?? built
  const advice = retuneAdvice(table.name, outcome.rows, marked, false)
  if (advice !== null) warnAdvice(advice)
  return marked
}

/** `collection.tune()`: measures the current index and keeps the cheapest setting that reaches the target. */
export async function tuneCollection(
  db: Backend,
  table: TableRef,
  options: TuneOptions,
  /** pgvector ≥ 0.8: filtered queries scan iteratively, and tuning measures them. */
  iterativeScans: boolean,
): Promise<IndexTuning> {
  const plan = planTune(options, table.dimension)
  const index = await readIndex(db, table)
  if (index === null) throw new ArgError(`collection "${table.name}" has no vector index to tune`)
  const outcome = await tuneIndex(db, table, index, plan, null, iterativeScans)
  if ('skipped' in outcome && outcome.skipped === 'replaced') {
    throw new VecsError(
      `the vector index of "${table.name}" was replaced while it was being tuned; tune again`,
    )
  }
  if ('skipped' in outcome) {
    throw new ArgError(
      `collection "${table.name}" has ${outcome.rows} rows: tuning needs more than limit + 1 (${plan.limit + 1})`,
    )
  }
  return tuningOf(outcome.tuned) as IndexTuning
}
