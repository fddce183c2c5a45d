import type { Backend, Queryable } from './backend/backend.js'
import { compileFilter } from './filter/compile.js'
import type { CurrentIndex } from './index/manage.js'
import type { CheckedQuery } from './query-options.js'
import { selectRowEstimate } from './sql/catalog.js'
import { execute } from './sql/execute.js'
import { ident, type Fragment } from './sql/fragment.js'
import * as statements from './sql/statements.js'
import type { TableRef } from './sql/statements.js'
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
  readonly statement: Fragment
  readonly settings: Record<string, string>
  /** An approximate index with a filter may come back short; then exact search gives the full page. */
  readonly exactFallback: Fragment | null
}

/**
 * Plans a query against the collection's current index:
 * - HNSW `ef_search` = max(40, limit) unless given (pgvector's scan returns at most ef_search rows);
 * - IVFFlat `probes` = round(sqrt(lists)) unless given (pgvector's default of 1 gives poor recall);
 * - with a filter and pgvector ≥ 0.8, an iterative index scan in relaxed order, re-sorted, keeps
 *   scanning until `limit` rows match; whatever still comes back short is redone exactly.
 */
export function planSearch(
  table: TableRef,
  q: CheckedQuery,
  vec: Buffer,
  index: CurrentIndex | null,
  iterativeScans: boolean,
): SearchPlan {
  const approximate = index !== null && index.info.measure === q.measure
  const iterative = approximate && q.filter !== null && iterativeScans
  const settings = searchSettings(q, index)
  if (index !== null && iterative) settings[`${index.info.method}.iterative_scan`] = 'relaxed_order'
  const shape = {
    vec,
    measure: q.measure,
    limit: q.limit,
    where: q.filter === null ? null : compileFilter(q.filter, ident('metadata')),
    includeValue: q.includeValue,
    includeVector: q.includeVector,
    includeMetadata: q.includeMetadata,
  }
  return {
    statement: statements.selectNearest(table, { ...shape, resort: iterative }),
    settings,
    exactFallback:
      approximate && q.filter !== null
        ? statements.selectNearest(table, { ...shape, resort: false })
        : null,
  }
}

/**
 * Runs a planned query in one transaction: settings (and, when asked, the row estimate) in one
 * round trip, then the statement, then the exact fallback only if the page came back short.
 */
export async function runSearch(
  db: Backend,
  table: TableRef,
  plan: SearchPlan,
  limit: number,
  wantRows: boolean,
): Promise<{ rows: NearestRow[]; estimatedRows: number | null }> {
  return db.transaction(async (tx) => {
    const estimate = wantRows ? selectRowEstimate(table.schema, table.name) : undefined
    const [settings] = await execute<{ extra?: number }>(
      tx,
      statements.setLocal(plan.settings, estimate),
    )
    let rows = await execute<NearestRow>(tx, plan.statement)
    if (rows.length < limit && plan.exactFallback !== null)
      rows = await exactly(tx, plan.exactFallback)
    return { rows, estimatedRows: settings?.extra ?? null }
  })
}

/** The plan text of exactly the statement `runSearch` sends first, under the same settings. */
export async function explainSearch(
  db: Backend,
  plan: SearchPlan,
  analyze: boolean,
): Promise<string> {
  return db.transaction(async (tx) => {
    await execute(tx, statements.setLocal(plan.settings))
    const lines = await execute<{ 'QUERY PLAN': string }>(
      tx,
      statements.explain(plan.statement, analyze),
    )
    return lines.map((line) => line['QUERY PLAN']).join('\n')
  })
}

async function exactly(tx: Queryable, statement: Fragment): Promise<NearestRow[]> {
  // Index scans off: the vector index cannot serve the ORDER BY, so every matching row is ranked.
  await execute(tx, statements.setLocal({ enable_indexscan: 'off' }))
  return execute<NearestRow>(tx, statement)
}

function searchSettings(q: CheckedQuery, index: CurrentIndex | null): Record<string, string> {
  const lists = index?.info.method === 'ivfflat' ? index.info.nLists : null
  const probes = q.probes ?? (lists === null ? 10 : Math.max(1, Math.round(Math.sqrt(lists))))
  return {
    'hnsw.ef_search': String(q.efSearch ?? Math.max(40, q.limit)),
    'ivfflat.probes': String(probes),
  }
}
