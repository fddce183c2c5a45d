import type { Backend, Queryable } from './backend/backend.js'
import { compileFilter } from './filter/compile.js'
import type { CurrentIndex } from './index/manage.js'
import type { CheckedQuery } from './query-options.js'
import { selectRowEstimate } from './sql/catalog.js'
import { execute, executeCompiled } from './sql/execute.js'
import { compile, ident, type CompiledQuery } from './sql/fragment.js'
import * as statements from './sql/statements.js'
import type {
  LocalSetting,
  LocalSettings,
  NearestShape,
  NearestValues,
  TableRef,
} from './sql/statements.js'
import type { Metadata } from './types.js'

/** A row as the nearest-neighbour statement returns it. */
export interface NearestRow {
  id: string
  value?: number
  vector?: string
  metadata?: Metadata
}

/** How one query runs: its statement, the settings local to its transaction, and its fallback. */
export interface SearchPlan {
  readonly statement: CompiledQuery
  /** Only the settings that differ from what the session already has. */
  readonly settings: LocalSettings
  /** An approximate index with a filter may come back short; then exact search gives the full page. */
  readonly exactFallback: CompiledQuery | null
}

/**
 * The session's own values of the settings a query sets, where vecs knows them (it opened every
 * connection itself and only ever sets them locally); null where a user's pool or PGlite may have
 * changed them, so every query sets what it needs.
 */
export type SessionDefaults = Readonly<LocalSettings> | null

/**
 * Plans a query against the collection's current index:
 * - HNSW `ef_search` = max(40, limit) unless given (pgvector's scan returns at most ef_search rows);
 * - IVFFlat `probes` = round(sqrt(lists)) unless given (pgvector's default of 1 gives poor recall);
 * - with a filter and pgvector ≥ 0.8, an iterative index scan in relaxed order, re-sorted, keeps
 *   scanning until `limit` rows match; whatever still comes back short is redone exactly.
 * - `exact` ranks every matching row: index scans off where an index could serve the measure.
 * Settings the session already has are left out: with none left, the query is one plain statement.
 */
export function planSearch(
  table: TableRef,
  q: CheckedQuery,
  vec: Buffer,
  index: CurrentIndex | null,
  features: { iterativeScans: boolean; sessionDefaults: SessionDefaults },
): SearchPlan {
  const covered = index !== null && index.info.measure === q.measure
  const approximate = covered && !q.exact
  const iterative = approximate && q.filter !== null && features.iterativeScans
  const wanted = q.exact ? {} : searchSettings(q, index)
  if (index !== null && iterative) wanted[`${index.info.method}.iterative_scan`] = 'relaxed_order'
  // Exact: the vector index cannot serve the ORDER BY, so every matching row is ranked.
  if (covered && q.exact) wanted.enable_indexscan = 'off'
  const shape = {
    measure: q.measure,
    where: q.filter === null ? null : compileFilter(q.filter, ident('metadata')),
    includeValue: q.includeValue,
    includeVector: q.includeVector,
    includeMetadata: q.includeMetadata,
  }
  const values = { vec, limit: q.limit }
  return {
    statement: nearest(table, { ...shape, resort: iterative }, values),
    settings: differing(wanted, features.sessionDefaults),
    exactFallback:
      approximate && q.filter !== null ? nearest(table, { ...shape, resort: false }, values) : null,
  }
}

const templates = new WeakMap<TableRef, Map<string, (values: NearestValues) => CompiledQuery>>()

/**
 * The nearest-neighbour statement. Without a filter its text depends only on the table and the
 * shape, so it is rendered once per collection and shape, and a warm query builds no SQL.
 */
function nearest(table: TableRef, shape: NearestShape, values: NearestValues): CompiledQuery {
  if (shape.where !== null) return compile(statements.selectNearest(table, { ...shape, ...values }))
  const key = `${shape.measure} ${shape.resort} ${shape.includeValue} ${shape.includeVector} ${shape.includeMetadata}`
  let byShape = templates.get(table)
  if (byShape === undefined) templates.set(table, (byShape = new Map()))
  let fill = byShape.get(key)
  if (fill === undefined) byShape.set(key, (fill = statements.nearestTemplate(table, shape)))
  return fill(values)
}

/**
 * Runs a planned query: as one statement when it needs no settings and no fallback; otherwise in
 * one transaction whose BEGIN carries the settings, then the statement, then the exact fallback
 * only if the page came back short.
 */
export async function runSearch(
  db: Backend,
  plan: SearchPlan,
  limit: number,
): Promise<NearestRow[]> {
  const prelude = preludeOf(plan.settings)
  if (prelude === '' && plan.exactFallback === null)
    return executeCompiled<NearestRow>(db, plan.statement)
  return db.transaction(async (tx) => {
    const rows = await executeCompiled<NearestRow>(tx, plan.statement)
    if (rows.length >= limit || plan.exactFallback === null) return rows
    return exactly(tx, plan.exactFallback)
  }, prelude)
}

/** The plan text of exactly the statement `runSearch` sends first, under the same settings. */
export async function explainSearch(
  db: Backend,
  plan: SearchPlan,
  analyze: boolean,
): Promise<string> {
  return db.transaction(async (tx) => {
    const lines = await executeCompiled<{ 'QUERY PLAN': string }>(
      tx,
      statements.explain(plan.statement, analyze),
    )
    return lines.map((line) => line['QUERY PLAN']).join('\n')
  }, preludeOf(plan.settings))
}

/** A cheap estimate of the collection's rows (no scan), for the reindex advice. */
export async function estimateRows(db: Backend, table: TableRef): Promise<number | null> {
  const [row] = await execute<{ rows: number }>(db, selectRowEstimate(table.schema, table.name))
  return row?.rows ?? null
}

async function exactly(tx: Queryable, statement: CompiledQuery): Promise<NearestRow[]> {
  // Index scans off: the vector index cannot serve the ORDER BY, so every matching row is ranked.
  await execute(tx, statements.setLocal({ enable_indexscan: 'off' }))
  return executeCompiled<NearestRow>(tx, statement)
}

/** The SET LOCAL statements that ride with BEGIN; none for a query that needs no settings. */
function preludeOf(settings: LocalSettings): string {
  return Object.keys(settings).length === 0 ? '' : compile(statements.setLocal(settings)).text
}

/** What the query needs of the index it will use; a setting the user gave is always set. */
function searchSettings(q: CheckedQuery, index: CurrentIndex | null): LocalSettings {
  const method = index?.info.measure === q.measure ? index.info.method : null
  const settings: LocalSettings = {}
  if (method === 'hnsw' || q.efSearch !== undefined) {
    settings['hnsw.ef_search'] = String(q.efSearch ?? Math.max(40, q.limit))
  }
  if (method === 'ivfflat' || q.probes !== undefined) {
    const lists = index?.info.method === 'ivfflat' ? index.info.nLists : 100
    settings['ivfflat.probes'] = String(q.probes ?? Math.max(1, Math.round(Math.sqrt(lists))))
  }
  return settings
}

function differing(wanted: LocalSettings, defaults: SessionDefaults): LocalSettings {
  if (defaults === null) return wanted
  const differ: LocalSettings = {}
  for (const name in wanted) {
    const value = wanted[name as LocalSetting]
    if (defaults[name as LocalSetting] !== value) differ[name as LocalSetting] = value
  }
  return differ
}
