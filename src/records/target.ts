import { ArgError } from '../errors.js'
import type { FilterNode } from '../filter/nodes.js'
import { parseFilter } from '../filter/parse.js'
import { checkIds } from './parts.js'

/** What `delete` removes (or `updateMetadata` changes): records by id, or every record a filter matches. */
export type DeleteTarget = { ids: string[] } | { filter: FilterNode }

/**
 * `{ ids }` or `{ filters }`, exactly one; an empty filter would reach every record, so it is
 * refused. `verb` names the call in messages.
 */
export function checkDeleteTarget(what: unknown, verb = 'delete'): DeleteTarget {
  if (typeof what !== 'object' || what === null)
    throw new ArgError(`${verb} takes { ids } or { filters }`)
  const { ids, filters } = what as { ids?: unknown; filters?: unknown }
  if ((ids === undefined) === (filters === undefined))
    throw new ArgError(`${verb} takes exactly one of ids or filters`)
  if (ids !== undefined) return { ids: checkIds(ids) }
  const filter = parseFilter(filters)
  if (filter === null)
    throw new ArgError(`${verb} with an empty filter would reach every record; use ids`)
  return { filter }
}
