import { compile, int, join, literal, sql, trusted, type Fragment } from './fragment.js'
import type { TableRef } from './tables.js'

/** Planner and pgvector settings a query may set for itself, with the kind of value each takes. */
export const LOCAL_SETTINGS = {
  'hnsw.ef_search': 'integer',
  'ivfflat.probes': 'integer',
  'hnsw.max_scan_tuples': 'integer',
  'hnsw.iterative_scan': 'word',
  'ivfflat.iterative_scan': 'word',
  enable_indexscan: 'word',
  enable_seqscan: 'word',
  maintenance_work_mem: 'word',
  max_parallel_maintenance_workers: 'integer',
  'citus.propagate_set_commands': 'word',
  'citus.multi_shard_modify_mode': 'word',
  // Takes the value another setting has in the session (its name is the value given).
  'citus.max_adaptive_executor_pool_size': 'setting',
} as const
export type LocalSetting = keyof typeof LOCAL_SETTINGS
export type LocalSettings = Partial<Record<LocalSetting, string>>

/**
 * `settings` for statements on `table`. Citus runs `SET LOCAL` on the coordinator alone unless
 * told to pass it on, so on a distributed table the settings first say so, and reach the shards.
 */
export function settingsOn(
  table: Pick<TableRef, 'shards'>,
  settings: LocalSettings,
): LocalSettings {
  return table.shards === undefined
    ? settings
    : { 'citus.propagate_set_commands': 'local', ...settings }
}

/**
 * `settingsOn` for a read (a search, tuning's measurements). On a Citus table a read also takes at
 * most as many connections to a worker as Citus keeps open between transactions
 * (`citus.max_cached_conns_per_worker`, 1 unless the operator raises it): a query that opens more
 * closes them at its end, so reads in flight together would open and close connections to the
 * workers all the time (100,000 GloVe words on 4 shards, 8 queries in flight: 171 queries/s this
 * way, 36 without; README, "Distributed collections").
 */
export function readSettingsOn(
  table: Pick<TableRef, 'shards'>,
  settings: LocalSettings,
): LocalSettings {
  return table.shards === undefined
    ? settings
    : settingsOn(table, {
        'citus.max_adaptive_executor_pool_size': 'citus.max_cached_conns_per_worker',
        ...settings,
      })
}

/**
 * The settings that steer nothing but a vector index scan. Only these may stay on a session vecs
 * owns (see query/run.ts): whatever other statement runs there next, they change nothing for it.
 */
export const SEARCH_SETTINGS = [
  'hnsw.ef_search',
  'ivfflat.probes',
  'hnsw.max_scan_tuples',
  'hnsw.iterative_scan',
  'ivfflat.iterative_scan',
] as const satisfies readonly LocalSetting[]
export type SearchSetting = (typeof SEARCH_SETTINGS)[number]
export type SearchSettings = Partial<Record<SearchSetting, string>>

/**
 * `SET LOCAL name = value; …` for one transaction (never left on a pooled connection). No
 * parameters, so it can ride with BEGIN: names come from LOCAL_SETTINGS, integers are checked,
 * words are plain quoted words (`'relaxed_order'`, `'off'`, `'65536kB'`); a setting that takes
 * another's value reads it with `current_setting`.
 */
export function setLocal(settings: LocalSettings): Fragment {
  const statements = Object.entries(settings).map(([name, value]) => {
    const kind = LOCAL_SETTINGS[name as LocalSetting]
    if (kind === 'setting') {
      const from = literal(checkSettingName(value))
      return sql`SELECT set_config(${literal(name)}, current_setting(${from}), true)`
    }
    const setting = kind === 'integer' ? int(Number(value)) : literal(checkWord(value))
    return sql`SET LOCAL ${trusted(name)} = ${setting}`
  })
  return join(statements, sql`; `)
}

/** `setLocal` as the text that rides with BEGIN; '' for no settings (a plain statement). */
export function settingsPrelude(settings: LocalSettings): string {
  return Object.keys(settings).length === 0 ? '' : compile(setLocal(settings)).text
}

function checkSettingName(value: string): string {
  if (!/^[a-z_.]+$/.test(value)) throw new TypeError('setting names are lowercase words')
  return value
}

function checkWord(value: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(value)) throw new TypeError('setting values must be plain words')
  return value
}

export function setSession(name: string, value: string): Fragment {
  return sql`SELECT set_config(${name}, ${value}, false)`
}

/** Search settings for the rest of the session, in one statement, every value bound. */
export function setSessionSearch(settings: SearchSettings): Fragment {
  const calls = Object.entries(settings).map(
    ([name, value]) => sql`set_config(${name}, ${value}, false)`,
  )
  return sql`SELECT ${join(calls)}`
}

export function resetSession(
  name:
    'maintenance_work_mem' | 'max_parallel_maintenance_workers' | 'citus.propagate_set_commands',
): Fragment {
  return sql`RESET ${trusted(name)}`
}

export function selectSetting(name: string): Fragment {
  return sql`SELECT current_setting(${name}) AS setting`
}

/**
 * What the server lets a build run in parallel: `max_parallel_workers` (the workers all parallel
 * operations share, which servers configure from their cores) and `max_worker_processes` (every
 * background process), as integers.
 */
export const selectParallelBudget: Fragment = sql`
  SELECT current_setting('max_parallel_workers')::int AS "parallelWorkers",
         current_setting('max_worker_processes')::int AS "workerProcesses"`

export const selectBackendPid: Fragment = sql`SELECT pg_backend_pid() AS pid`

/** Stops the statement backend `pid` runs (a build whose progress listener failed, say). */
export function cancelBackend(pid: number): Fragment {
  return sql`SELECT pg_cancel_backend(${pid})`
}
