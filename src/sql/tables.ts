import { sha256 } from '../sha256.js'
import type { VectorType } from '../types.js'
import { binaryToText } from '../vector.js'
import { ident, int, sql, trusted, type Fragment, type Identifier } from './fragment.js'

/** The table behind a collection. */
export interface TableRef {
  readonly schema: string
  readonly name: string
  readonly dimension: number
  readonly type: VectorType
  /** Distributed by Citus over this many shards; absent for a table on one server. */
  readonly shards?: number | undefined
}

export function tableIdent(t: Pick<TableRef, 'schema' | 'name'>): Identifier {
  return ident(t.schema, t.name)
}

export function createSchema(schema: string): Fragment {
  return sql`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`
}

export const createVectorExtension: Fragment = sql`CREATE EXTENSION IF NOT EXISTS vector`

/** Serialises creation and deletion of one collection across clients, for the transaction. */
export function lockCollection(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`SELECT pg_advisory_xact_lock(hashtextextended(${`vecs:${t.schema}.${t.name}`}, 0))`
}

/**
 * One index build of a collection at a time, across clients: a try-lock the builder polls, so a
 * waiting build holds no snapshot (a concurrent build waits for every older snapshot, and a blocking
 * wait would make the two wait for each other). The statement has no parameters, so it goes by the
 * simple protocol, whose portal (and snapshot) ends with the statement even inside a transaction.
 * `session` holds it until `unlockIndexBuild`, for builds outside a transaction; otherwise until
 * the transaction ends.
 */
export function tryLockIndexBuild(
  t: Pick<TableRef, 'schema' | 'name'>,
  scope: 'session' | 'transaction',
): Fragment {
  const [high, low] = buildKey(t)
  return scope === 'session'
    ? sql`SELECT pg_try_advisory_lock(${int(high)}, ${int(low)}) AS locked`
    : sql`SELECT pg_try_advisory_xact_lock(${int(high)}, ${int(low)}) AS locked`
}

export function unlockIndexBuild(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  const [high, low] = buildKey(t)
  return sql`SELECT pg_advisory_unlock(${int(high)}, ${int(low)})`
}

/** Two int4 keys from a hash of the collection's name (the two-key form has its own lock space). */
function buildKey(t: Pick<TableRef, 'schema' | 'name'>): [number, number] {
  const digest = sha256(new TextEncoder().encode(`vecs-index-build:${t.schema}.${t.name}`))
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength)
  return [view.getInt32(0), view.getInt32(4)]
}

/** Fresh planner statistics for the table (a sample of its rows). */
export function analyzeTable(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`ANALYZE ${tableIdent(t)}`
}

/** The Python vecs table layout, so both libraries share one database. */
export function createTable(t: TableRef): Fragment {
  return sql`CREATE TABLE IF NOT EXISTS ${tableIdent(t)} (
    id varchar PRIMARY KEY,
    vec ${columnType(t)} NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb)`
}

/** The GIN index on metadata that Python vecs creates; it serves `$eq` filters (`@>`). */
export function createMetadataIndex(t: TableRef, indexName: string): Fragment {
  return sql`CREATE INDEX ${ident(indexName)} ON ${tableIdent(t)} USING gin (metadata jsonb_path_ops)`
}

export function dropTable(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`DROP TABLE IF EXISTS ${tableIdent(t)}`
}

/** `vec <type>(<dim>)`, from validated values only. */
function columnType(t: TableRef): Fragment {
  return sql`${trusted(t.type)}(${int(t.dimension)})`
}

/**
 * A vector parameter. The bytes are bound in binary and read by `vector_recv`; a halfvec collection
 * converts it on the server, so the expression's type matches the column and its index.
 */
export function vectorParam(t: TableRef, vec: Uint8Array): Fragment {
  return t.type === 'halfvec' ? sql`${vec}::vector::halfvec` : sql`${vec}::vector`
}

/**
 * A query vector, as `vector`. Bound in binary as above, except on a Citus table: Citus forwards
 * `EXPLAIN` to a shard with no type for a parameter of an extension's type, and the shard cannot
 * plan it, so there the vector is bound as `text` (`queryVectorValue`) and read by `vector_in` on
 * the node that runs it. A template's slot stands in for the value here; it is filled by
 * `queryVectorValue`'s result.
 */
export function queryVector(t: TableRef, vec: Uint8Array): Fragment {
  if (t.shards === undefined) return sql`${vec}::vector`
  return sql`${vec instanceof Uint8Array ? binaryToText(vec) : vec}::text::vector`
}

/** What `queryVector` binds for `vec`: the bytes, or on a Citus table their text form. */
export function queryVectorValue(t: TableRef, vec: Uint8Array): Uint8Array | string {
  return t.shards === undefined ? vec : binaryToText(vec)
}

/** A query vector as the column has it (see `vectorParam`). */
export function queryParam(t: TableRef, vec: Uint8Array): Fragment {
  return t.type === 'halfvec' ? sql`${queryVector(t, vec)}::halfvec` : queryVector(t, vec)
}
