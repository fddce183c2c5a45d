import { sql, type Fragment } from './fragment.js'
import { metadataText } from './nearest.js'
import { tableIdent, type TableRef } from './tables.js'

/** How many rows match `condition` (all rows for null). */
export function countWhere(t: TableRef, condition: Fragment | null): Fragment {
  return sql`SELECT count(*)::int AS count FROM ${tableIdent(t)}${where(condition)}`
}

/**
 * A page of rows in id order after the id `after` (from the start for null): keyset paging on the
 * primary key, so each page is one index range scan and rows written meanwhile never shift a page.
 */
export function selectPage(
  t: TableRef,
  condition: Fragment | null,
  after: string | null,
  limit: number,
): Fragment {
  const conditions = [
    ...(condition === null ? [] : [sql`(${condition})`]),
    ...(after === null ? [] : [sql`id > ${after}::varchar`]),
  ]
  const filter = conditions.length === 0 ? null : conditions.reduce((a, b) => sql`${a} AND ${b}`)
  return sql`SELECT id, vec, ${metadataText} FROM ${tableIdent(t)}${where(filter)}
    ORDER BY id LIMIT ${limit}`
}

/**
 * Merges `patch` into the metadata of the rows that match (top-level keys replaced, others kept),
 * or replaces it whole; locks the rows first in the order every write locks ids (see
 * `deleteWhere`, also for a distributed table). Returns the ids updated.
 */
export function updateMetadataWhere(
  t: TableRef,
  condition: Fragment,
  patch: string,
  replace: boolean,
): Fragment {
  const table = tableIdent(t)
  const value = replace ? sql`${patch}::jsonb` : sql`metadata || ${patch}::jsonb`
  if (t.shards !== undefined)
    return sql`WITH updated AS (UPDATE ${table} SET metadata = ${value} WHERE ${condition}
      RETURNING id) SELECT id FROM updated ORDER BY id COLLATE "C"`
  return sql`UPDATE ${table} SET metadata = ${value} WHERE id IN (
    SELECT id FROM ${table} WHERE ${condition} ORDER BY id COLLATE "C" FOR UPDATE) RETURNING id`
}

/**
 * The metadata of the rows that match, locked for an update, in the order every write locks ids.
 * A distributed table (no FOR UPDATE across shards) locks them by updating them to themselves;
 * its rows come in id order all the same, so that the first to fail a check is the same record.
 */
export function selectMetadataForUpdate(t: TableRef, condition: Fragment): Fragment {
  if (t.shards !== undefined)
    return sql`WITH locked AS (UPDATE ${tableIdent(t)} SET metadata = metadata WHERE ${condition}
      RETURNING id, ${metadataText}) SELECT * FROM locked ORDER BY id COLLATE "C"`
  return sql`SELECT id, ${metadataText} FROM ${tableIdent(t)} WHERE ${condition}
    ORDER BY id COLLATE "C" FOR UPDATE`
}

/** Sets each row's metadata from `rows`, a JSON array of `{ id, metadata }`. */
export function setMetadata(t: TableRef, rows: string): Fragment {
  return sql`UPDATE ${tableIdent(t)} AS t SET metadata = u.metadata
    FROM jsonb_to_recordset(${rows}::jsonb) AS u (id varchar, metadata jsonb) WHERE t.id = u.id`
}

function where(condition: Fragment | null): Fragment {
  return condition === null ? sql`` : sql` WHERE ${condition}`
}
