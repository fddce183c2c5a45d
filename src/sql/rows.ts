import type { CopySource } from '../backend/backend.js'
import { ident, int, join, sql, type Fragment } from './fragment.js'
import { metadataText } from './nearest.js'
import { tableIdent, vectorParam, type TableRef } from './tables.js'

/** A record ready for SQL: vector in pgvector's binary form, metadata as JSON text. */
export interface EncodedRow {
  readonly id: string
  readonly vec: Uint8Array
  readonly metadata: string
}

/**
 * Insert-or-replace rows that are unique by id. They are written in id order as the server sorts
 * them, the same order `mergeStage` uses, so concurrent writers lock shared ids in one order.
 */
export function upsertRows(t: TableRef, rows: readonly EncodedRow[]): Fragment {
  const values = rows.map(
    (r) => sql`(${r.id}::varchar, ${vectorParam(t, r.vec)}, ${r.metadata}::jsonb)`,
  )
  return sql`INSERT INTO ${tableIdent(t)} (id, vec, metadata)
    SELECT id, vec, metadata FROM (VALUES ${join(values)}) AS v (id, vec, metadata) ${idOrder}
    ${onConflict}`
}

/**
 * The one order every write path takes ids in: bytewise (the "C" collation), which JavaScript can
 * match by comparing UTF-8 bytes, so a COPY sorted in JavaScript and a merge sorted by the server
 * lock shared ids in the same order.
 */
const idOrder = sql`ORDER BY id COLLATE "C"`

const onConflict = sql`ON CONFLICT (id) DO UPDATE SET vec = EXCLUDED.vec, metadata = EXCLUDED.metadata`
/** The staging table of a large upsert (see createStage). */
export const stage = ident('vecs_upsert_stage')

/**
 * A staging table for one large upsert; it lives until the transaction ends. Its vectors are
 * float32 whatever the collection stores: binary COPY delivers pgvector's float32 form, and the
 * merge converts to halfvec where the collection needs it.
 */
export function createStage(t: TableRef): Fragment {
  return sql`CREATE TEMPORARY TABLE ${stage} (
    seq int8 NOT NULL, id varchar NOT NULL, vec vector(${int(t.dimension)}) NOT NULL, metadata jsonb NOT NULL)
    ON COMMIT DROP`
}

/**
 * Drops the staging table once merged: in a transaction vecs did not open (withTransaction) it
 * would otherwise outlive the call, and the next large upsert there could not create its own.
 */
export const dropStage: Fragment = sql`DROP TABLE ${stage}`

/** Appends rows to the staging table where the backend cannot COPY; `firstSeq` numbers them. */
export function insertStage(rows: readonly EncodedRow[], firstSeq: number): Fragment {
  const values = rows.map(
    (r, i) => sql`(${int(firstSeq + i)}, ${r.id}::varchar, ${r.vec}::vector, ${r.metadata}::jsonb)`,
  )
  return sql`INSERT INTO ${stage} (seq, id, vec, metadata) VALUES ${join(values)}`
}

/** Binary COPY straight into the collection (no seq column): rows that must all be new. */
export function copyIntoTable(t: TableRef, source: Exclude<CopySource, null>): Fragment {
  return sql`COPY ${tableIdent(t)} (id, vec, metadata) FROM ${copySourceClause(source)} (FORMAT binary)`
}

/** Appends binary COPY data (see upsert/copy-binary.ts) to the staging table. */
export function copyIntoStage(source: Exclude<CopySource, null>): Fragment {
  return sql`COPY ${stage} (seq, id, vec, metadata) FROM ${copySourceClause(source)} (FORMAT binary)`
}

function copySourceClause(source: Exclude<CopySource, null>): Fragment {
  return source === 'stdin' ? sql`STDIN` : sql`'/dev/blob'`
}

export const savepoint: Fragment = sql`SAVEPOINT vecs_direct_copy`
export const rollbackToSavepoint: Fragment = sql`ROLLBACK TO SAVEPOINT vecs_direct_copy`

/**
 * Moves the staged rows into the collection in one statement: the last duplicate of each id wins,
 * and rows are written in id order, so concurrent writers lock shared ids in the same order.
 */
export function mergeStage(t: TableRef): Fragment {
  const vec = t.type === 'halfvec' ? sql`vec::halfvec` : sql`vec`
  return sql`INSERT INTO ${tableIdent(t)} (id, vec, metadata)
    SELECT DISTINCT ON (id COLLATE "C") id, ${vec}, metadata FROM ${stage}
    ORDER BY id COLLATE "C", seq DESC
    ${onConflict}`
}

export function selectByIds(t: TableRef, ids: readonly string[]): Fragment {
  return sql`SELECT id, vec, ${metadataText} FROM ${tableIdent(t)} WHERE id = ANY(${ids}::varchar[])`
}

/** `n` rows in an order fixed by `seed` (a hash of id and seed): the same sample for the same seed. */
export function selectSample(t: TableRef, n: number, seed: string): Fragment {
  return sql`SELECT id, vec, ${metadataText} FROM ${tableIdent(t)} ORDER BY md5(id || ${seed}), id LIMIT ${n}`
}

/**
 * How many rows of a sample of the table's pages match `condition`, and how many the sample held:
 * `TABLESAMPLE SYSTEM` reads only the sampled pages, the same ones every time (REPEATABLE).
 */
export function sampleMatches(t: TableRef, condition: Fragment, percent: number): Fragment {
  return sql`SELECT count(*) FILTER (WHERE ${condition})::int AS matched, count(*)::int AS sampled
    FROM ${tableIdent(t)} TABLESAMPLE SYSTEM (${percent}::float8) REPEATABLE (0)`
}

export function deleteByIds(t: TableRef, ids: readonly string[]): Fragment {
  return deleteWhere(t, sql`id = ANY(${ids}::varchar[])`)
}

/**
 * Deletes the rows that match, locking them first in `idOrder`, the order every upsert locks ids
 * in. A plain DELETE locks rows in scan order (heap order for a sequential or bitmap scan), which
 * deadlocks against an upsert of overlapping ids; the subquery's FOR UPDATE sits above its sort,
 * so it locks in id order, and the DELETE then takes rows this statement already holds. Citus
 * cannot lock rows across shards with FOR UPDATE: a distributed table takes the plain DELETE, and
 * Citus orders its shard locks and detects distributed deadlocks itself.
 */
export function deleteWhere(t: TableRef, condition: Fragment): Fragment {
  const table = tableIdent(t)
  if (t.shards !== undefined) return sql`DELETE FROM ${table} WHERE ${condition} RETURNING id`
  return sql`DELETE FROM ${table} WHERE id IN (
    SELECT id FROM ${table} WHERE ${condition} ${idOrder} FOR UPDATE) RETURNING id`
}

export function countRows(t: TableRef): Fragment {
  return sql`SELECT count(*)::int AS count FROM ${tableIdent(t)}`
}
