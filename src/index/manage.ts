import type { Backend, Queryable } from '../backend/backend.js'
import { ArgError } from '../errors.js'
import { opsClass } from '../measures.js'
import { selectVectorIndexes, type IndexRow } from '../sql/catalog.js'
import { execute } from '../sql/execute.js'
import {
  countRows,
  createVectorIndex,
  dropIndex,
  lockCollection,
  type TableRef,
} from '../sql/statements.js'
import { defaultLists, IndexArgsHNSW, type IndexArgs } from './args.js'
import { describeIndex, type IndexInfo } from './describe.js'
import { formatIndexName } from './name.js'
import type { IndexPlan } from './options.js'

/** The collection's vector index, or null. With several (made by hand), the newest one. */
export async function readIndex(db: Queryable, table: TableRef): Promise<IndexInfo | null> {
  const rows = await execute<IndexRow>(db, selectVectorIndexes(table.schema, table.name))
  for (const row of rows) {
    const info = describeIndex(row)
    if (info !== null) return info
  }
  return null
}

/**
 * Builds the index in one transaction that first drops the collection's existing vector indexes:
 * one vector index per collection, and a failed build leaves the previous index in place.
 */
export async function buildIndex(
  db: Backend,
  table: TableRef,
  plan: IndexPlan,
): Promise<IndexInfo> {
  return db.transaction(async (tx) => {
    await execute(tx, lockCollection(table))
    const existing = await execute<IndexRow>(tx, selectVectorIndexes(table.schema, table.name))
    if (existing.length > 0 && !plan.replace) {
      throw new ArgError('the collection has a vector index and replace is false')
    }
    for (const row of existing) await execute(tx, dropIndex(table, row.name))
    const args = plan.args ?? (await defaultArgs(tx, table, plan.method))
    const name = formatIndexName(opsClass(table.type, plan.measure), args)
    await execute(tx, createVectorIndex(table, name, opsClass(table.type, plan.measure), args))
    const info = await readIndex(tx, table)
    if (info === null) throw new Error(`index ${name} was created but cannot be read back`)
    return info
  })
}

async function defaultArgs(
  tx: Queryable,
  table: TableRef,
  method: 'hnsw' | 'ivfflat',
): Promise<IndexArgs> {
  if (method === 'hnsw') return IndexArgsHNSW()
  const [row] = await execute<{ count: number }>(tx, countRows(table))
  return { method: 'ivfflat', nLists: defaultLists(row?.count ?? 0) }
}
