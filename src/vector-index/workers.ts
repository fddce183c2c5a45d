import { checkInteger } from '../checks.js'

/** The most parallel workers a build may be given (PostgreSQL's own ceiling is 1024). */
export const MAX_BUILD_WORKERS = 64

/** What the server lets parallel work use (see selectParallelBudget). */
export interface ParallelBudget {
  readonly parallelWorkers: number
  readonly workerProcesses: number
}

/**
 * `max_parallel_maintenance_workers` for a build: what the caller asked for, else the server's
 * budget less one, since the leader builds too (a server sized to its cores, as pgtune, Supabase
 * and RDS size `max_parallel_workers`, then runs one process a core), never more than the server
 * lets start. Below 8 MB of table (`min_parallel_table_scan_size`) a build runs alone; above it an
 * HNSW build asks for all of these, an IVFFlat build one more each time the table triples; the
 * server starts fewer where other work holds its workers.
 */
export function buildWorkers(requested: number | null, budget: ParallelBudget): number {
  const allowed = Math.max(0, Math.min(budget.parallelWorkers, budget.workerProcesses))
  return Math.min(requested ?? Math.max(0, allowed - 1), allowed)
}

/** The createIndex option, checked: an integer from 0 to 64, or null for the server's budget. */
export function checkWorkers(value: unknown): number | null {
  if (value === undefined) return null
  return checkInteger('parallelWorkers', value, { min: 0, max: MAX_BUILD_WORKERS })
}
