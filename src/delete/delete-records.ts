import type { Backend } from '../backend/backend.js'
import { compileFilter } from '../filter/compile.js'
import { execute } from '../sql/execute.js'
import { ident } from '../sql/fragment.js'
import { deleteByIds, deleteWhere } from '../sql/rows.js'
import type { TableRef } from '../sql/tables.js'
import { checkDeleteTarget } from '../records/target.js'

/** Deletes by ids or by a (non-empty) filter, in one statement; the ids actually deleted. */
export async function deleteRecords(
  db: Backend,
  table: TableRef,
  what: unknown,
): Promise<string[]> {
  const target = checkDeleteTarget(what)
  if ('ids' in target && target.ids.length === 0) return []
  const statement =
    'ids' in target
      ? deleteByIds(table, target.ids)
      : deleteWhere(table, compileFilter(target.filter, ident('metadata')))
  const rows = await execute<{ id: string }>(db, statement)
  return rows.map((row) => row.id)
}
