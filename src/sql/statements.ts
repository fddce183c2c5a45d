import type { Measure, VectorType } from '../types.js'
import type { CopySource } from '../backend/backend.js'
import type { IndexArgs } from '../index/args.js'
import { MEASURE_SPECS } from '../measures.js'
import {
  ident,
  int,
  join,
  literal,
  prefix,
  sql,
  template,
  trusted,
  type CompiledQuery,
  type Fragment,
  type Identifier,
} from './fragment.js'

/** The table behind a collection. */
export interface TableRef {
  readonly schema: string
  readonly name: string
  readonly dimension: number
  readonly type: VectorType
}

/** A record ready for SQL: vector in pgvector's binary form, metadata as JSON text. */
export interface EncodedRow {
  readonly id: string
  readonly vec: Buffer
  readonly metadata: string
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
 * A vector parameter. The Buffer is bound in binary and read by `vector_recv`; a halfvec collection
 * converts it on the server, so the expression's type matches the column and its index.
 */
export function vectorParam(t: TableRef, vec: Buffer): Fragment {
  return t.type === 'halfvec' ? sql`${vec}::vector::halfvec` : sql`${vec}::vector`
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
const stage = ident('vecs_upsert_stage')

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

/** Appends rows to the staging table where the backend cannot COPY; `firstSeq` numbers them. */
export function insertStage(t: TableRef, rows: readonly EncodedRow[], firstSeq: number): Fragment {
  const values = rows.map(
    (r, i) => sql`(${int(firstSeq + i)}, ${r.id}::varchar, ${r.vec}::vector, ${r.metadata}::jsonb)`,
  )
  return sql`INSERT INTO ${stage} (seq, id, vec, metadata) VALUES ${join(values)}`
}

/** Binary COPY straight into the collection (no seq column): rows that must all be new. */
export function copyIntoTable(t: TableRef, source: Exclude<CopySource, null>): Fragment {
  return sql`COPY ${tableIdent(t)} (id, vec, metadata) FROM ${copySourceClause(source)} (FORMAT binary)`
}

function copySourceClause(source: Exclude<CopySource, null>): Fragment {
  return source === 'stdin' ? sql`STDIN` : sql`'/dev/blob'`
}

export const savepoint: Fragment = sql`SAVEPOINT vecs_direct_copy`
export const rollbackToSavepoint: Fragment = sql`ROLLBACK TO SAVEPOINT vecs_direct_copy`

/** Appends binary COPY data (see copy-binary.ts) to the staging table. */
export function copyIntoStage(source: Exclude<CopySource, null>): Fragment {
  return sql`COPY ${stage} (seq, id, vec, metadata) FROM ${copySourceClause(source)} (FORMAT binary)`
}

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
  return sql`SELECT id, vec, metadata FROM ${tableIdent(t)} WHERE id = ANY(${ids}::varchar[])`
}

/** `n` rows in an order fixed by `seed` (a hash of id and seed): the same sample for the same seed. */
export function selectSample(t: TableRef, n: number, seed: string): Fragment {
  return sql`SELECT id, vec, metadata FROM ${tableIdent(t)} ORDER BY md5(id || ${seed}), id LIMIT ${n}`
}

export function deleteByIds(t: TableRef, ids: readonly string[]): Fragment {
  return sql`DELETE FROM ${tableIdent(t)} WHERE id = ANY(${ids}::varchar[]) RETURNING id`
}

export function deleteWhere(t: TableRef, condition: Fragment): Fragment {
  return sql`DELETE FROM ${tableIdent(t)} WHERE ${condition} RETURNING id`
}

export function countRows(t: TableRef): Fragment {
  return sql`SELECT count(*)::int AS count FROM ${tableIdent(t)}`
}

/** What a nearest-neighbour query selects and how. */
export interface NearestQuery {
  readonly vec: Buffer
  readonly measure: Measure
  readonly limit: number
  readonly where: Fragment | null
  readonly includeValue: boolean
  readonly includeVector: boolean
  readonly includeMetadata: boolean
  /** Sort again after the scan: an iterative index scan in relaxed order may return rows slightly out of order. */
  readonly resort: boolean
}

/**
 * `SELECT id[, value][, vector][, metadata] … ORDER BY vec <op> $q LIMIT $n`; with `resort`, that
 * query runs in a materialized CTE and its rows are ordered by distance again, as pgvector
 * recommends for `iterative_scan = relaxed_order`.
 */
export function selectNearest(t: TableRef, q: NearestQuery): Fragment {
  const distance = sql`vec ${trusted(MEASURE_SPECS[q.measure].operator)} ${vectorParam(t, q.vec)}`
  const where = q.where === null ? sql`` : sql`WHERE ${q.where}`
  if (!q.resort) {
    const columns = outputColumns(q, sql`${distance} AS value`, sql`vec AS vector`)
    return sql`SELECT ${columns} FROM ${tableIdent(t)} ${where} ORDER BY ${distance} LIMIT ${q.limit}`
  }
  const inner = outputColumns(
    { ...q, includeValue: true },
    sql`${distance} AS value`,
    sql`vec AS vector`,
  )
  return sql`WITH hits AS MATERIALIZED (
      SELECT ${inner} FROM ${tableIdent(t)} ${where} ORDER BY ${distance} LIMIT ${q.limit})
    SELECT ${outputColumns(q, sql`value`, sql`vector`)} FROM hits ORDER BY hits.value`
}

function outputColumns(q: NearestQuery, value: Fragment, vector: Fragment): Fragment {
  const columns: Fragment[] = [sql`id`]
  if (q.includeValue) columns.push(value)
  if (q.includeVector) columns.push(vector)
  if (q.includeMetadata) columns.push(sql`metadata`)
  return join(columns)
}

/** `EXPLAIN [ANALYZE]` of a statement, plan as text lines. */
export function explain(statement: CompiledQuery, analyze: boolean): CompiledQuery {
  return prefix(
    sql`EXPLAIN (ANALYZE ${trusted(analyze ? 'true' : 'false')}, FORMAT TEXT)`,
    statement,
  )
}

/** What a nearest-neighbour statement takes at run time; the rest of it is its shape. */
export type NearestValues = Pick<NearestQuery, 'vec' | 'limit'>
export type NearestShape = Omit<NearestQuery, keyof NearestValues>

/** `selectNearest` compiled once for a shape; each query only fills in its vector and limit. */
export function nearestTemplate(
  t: TableRef,
  shape: NearestShape,
): (values: NearestValues) => CompiledQuery {
  return template<NearestValues>((slot) =>
    selectNearest(t, { ...shape, vec: slot('vec'), limit: slot('limit') }),
  )
}

/** Planner and pgvector settings a query may set for itself, with the kind of value each takes. */
export const LOCAL_SETTINGS = {
  'hnsw.ef_search': 'integer',
  'ivfflat.probes': 'integer',
  'hnsw.iterative_scan': 'word',
  'ivfflat.iterative_scan': 'word',
  enable_indexscan: 'word',
  maintenance_work_mem: 'word',
} as const
export type LocalSetting = keyof typeof LOCAL_SETTINGS
export type LocalSettings = Partial<Record<LocalSetting, string>>

/**
 * `SET LOCAL name = value; …` for one transaction (never left on a pooled connection). No
 * parameters, so it can ride with BEGIN: names come from LOCAL_SETTINGS, integers are checked,
 * words are plain quoted words (`'relaxed_order'`, `'off'`, `'65536kB'`).
 */
export function setLocal(settings: LocalSettings): Fragment {
  const statements = Object.entries(settings).map(([name, value]) => {
    const kind = LOCAL_SETTINGS[name as LocalSetting]
    const setting = kind === 'integer' ? int(Number(value)) : literal(checkWord(value))
    return sql`SET LOCAL ${trusted(name)} = ${setting}`
  })
  return join(statements, sql`; `)
}

function checkWord(value: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(value)) throw new TypeError('setting values must be plain words')
  return value
}

/** `CREATE INDEX [CONCURRENTLY] … USING hnsw|ivfflat (vec <ops>) WITH (…)`: DDL takes no parameters, so only checked integers go in. */
export function createVectorIndex(
  t: TableRef,
  name: string,
  ops: string,
  args: IndexArgs,
  concurrently: boolean,
): Fragment {
  const using = sql`USING ${trusted(args.method)} (vec ${trusted(ops)})`
  const options =
    args.method === 'hnsw'
      ? sql`m = ${int(args.m)}, ef_construction = ${int(args.efConstruction)}`
      : sql`lists = ${int(args.nLists)}`
  const create = concurrently ? sql`CREATE INDEX CONCURRENTLY` : sql`CREATE INDEX`
  return sql`${create} ${ident(name)} ON ${tableIdent(t)} ${using} WITH (${options})`
}

export function dropIndex(
  t: Pick<TableRef, 'schema'>,
  name: string,
  concurrently = false,
): Fragment {
  const drop = concurrently ? sql`DROP INDEX CONCURRENTLY IF EXISTS` : sql`DROP INDEX IF EXISTS`
  return sql`${drop} ${ident(t.schema, name)}`
}

/** COMMENT ON takes no parameters: the comment is vecs' own words and numbers (see index/comment.ts). */
export function commentOnIndex(
  t: Pick<TableRef, 'schema'>,
  name: string,
  comment: string,
): Fragment {
  return sql`COMMENT ON INDEX ${ident(t.schema, name)} IS ${literal(comment)}`
}

export function setSession(name: string, value: string): Fragment {
  return sql`SELECT set_config(${name}, ${value}, false)`
}

export function resetSession(name: 'maintenance_work_mem'): Fragment {
  return sql`RESET ${trusted(name)}`
}

export const selectBackendPid: Fragment = sql`SELECT pg_backend_pid() AS pid`

export function selectSetting(name: string): Fragment {
  return sql`SELECT current_setting(${name}) AS setting`
}
