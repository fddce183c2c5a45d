import { ArgError } from '../errors.js'
import type { FilterNode } from '../filter/nodes.js'
import { parseFilter } from '../filter/parse.js'
import { checkIds } from '../records/parts.js'

/** What `delete` removes: records by id, or every record a filter matches. */
export type DeleteTarget = { ids: string[] } | { filter: FilterNode }

/** `{ ids }` or `{ filters }`, exactly one; an empty filter would delete everything, so it is refused. */
export function checkDeleteTarget(what: unknown): DeleteTarget {
  if (typeof what !== 'object' || what === null)
    throw new ArgError('delete takes { ids } or { filters }')
  const { ids, filters } = what as { ids?: unknown; filters?: unknown }
  if ((ids === undefined) === (filters === undefined))
    throw new ArgError('delete takes exactly one of ids or filters')
  if (ids !== undefined) return { ids: checkIds(ids) }
  const filter = parseFilter(filters)
  if (filter === null)
    throw new ArgError('delete with an empty filter would delete everything; use ids')
  return { filter }
}
