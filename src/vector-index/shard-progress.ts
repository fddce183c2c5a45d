import type { Queryable } from '../backend/backend.js'
import { selectShardBuildProgress } from '../sql/citus.js'
import type { ProgressRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import type { TableRef } from '../sql/tables.js'
import { fractionDone, type ProgressReader } from './progress.js'

/**
 * The progress of a build on a Citus table, as the coordinator sees its shards. Citus builds the
 * index shard by shard on each worker, and a shard's build shows in its worker's
 * `pg_stat_progress_create_index` only while it runs: a shard seen building and gone since is
 * done, and one never seen counts as not begun until the build ends (a shard built between two
 * polls goes unseen, so the percent may lag, never run ahead). The percent is the shards' mean
 * fraction done; the phase is a running shard's, with the shards done and building; the workers
 * are the parallel workers of a shard's build (the most of those running): as on one server, what
 * `max_parallel_maintenance_workers` allows each build.
 */
export function shardProgress(db: Queryable, table: TableRef): ProgressReader {
  const shards = table.shards ?? 1
  const fractions = new Map<string, number>()
  return async () => {
    const rows = await execute<ProgressRow & { shard: string }>(db, selectShardBuildProgress(table))
    const running = new Set(rows.map((r) => r.shard))
    for (const shard of fractions.keys()) if (!running.has(shard)) fractions.set(shard, 1)
    for (const row of rows) fractions.set(row.shard, fractionDone(row) ?? 0)
    if (fractions.size === 0) return null
    const done = fractions.size - running.size
    let sum = 0
    for (const fraction of fractions.values()) sum += fraction
    return {
      phase: `${rows[0]?.phase ?? 'building index'} (shards: ${done} of ${shards} done, ${running.size} building)`,
      percent: Math.round((1000 * sum) / shards) / 10,
      workers: Math.max(0, ...rows.map((row) => row.workers)),
    }
  }
}
