import { ident, int, sql, type Fragment } from './fragment.js'
import { tableIdent, type TableRef } from './tables.js'

/** The stand-in filter's grain: it picks whole 1024ths of the rows. */
export const STAND_IN_PARTS = 1024

/**
 * A condition that holds for about `parts` 1024ths of the rows, chosen by a hash of their ids and so
 * unrelated to their vectors: what tuning filters by to see how far filtered queries must scan.
 */
export function standInFilter(parts: number): Fragment {
  return sql`(hashtext(id) & ${int(STAND_IN_PARTS - 1)}) < ${int(parts)}`
}

/**
 * The temporary table that holds the rows of `t` the stand-in filter picks, until the transaction
 * ends: its vectors are the collection's, so exact search over it ranks them the same way.
 */
export function standInRows(t: TableRef): TableRef {
  return { ...t, schema: 'pg_temp', name: 'vecs_tune_stand_in' }
}

/** Copies the rows the stand-in filter picks, ids and vectors, to `standInRows(t)`. */
export function copyStandInRows(t: TableRef, parts: number): Fragment {
  return sql`CREATE TEMPORARY TABLE ${ident(standInRows(t).name)} ON COMMIT DROP AS
    SELECT id, vec FROM ${tableIdent(t)} WHERE ${standInFilter(parts)}`
}
