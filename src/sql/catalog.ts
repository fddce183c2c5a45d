import { VECTOR_TYPES, type VectorType } from '../types.js'
import { sql, type Fragment } from './fragment.js'

/** A collection as the catalog shows it: a table in the schema with a `vec` vector or halfvec column. */
export interface CollectionRow {
  name: string
  dimension: number
  type: VectorType
}

/**
 * Collections in `schema` (one when `name` is given), found as Python vecs finds them: tables whose
 * `vec` column has a dimension, whose name does not start with `_`.
 */
export function selectCollections(schema: string, name?: string): Fragment {
  return sql`
    SELECT c.relname AS name, a.atttypmod AS dimension, t.typname AS type
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'vec' AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE n.nspname = ${schema} AND c.relkind = 'r' AND left(c.relname, 1) <> '_'
      AND t.typname = ANY(${[...VECTOR_TYPES]}::text[]) AND a.atttypmod > 0
      ${name === undefined ? sql`` : sql`AND c.relname = ${name}`}
    ORDER BY c.relname`
}

/** A vector index as the catalog shows it. */
export interface IndexRow {
  name: string
  method: string
  opsClass: string
  options: string[] | null
  comment: string | null
}

/** The HNSW and IVFFlat indexes on a collection's table, newest first. */
export function selectVectorIndexes(schema: string, table: string): Fragment {
  return sql`
    SELECT ic.relname AS name, am.amname AS method, opc.opcname AS "opsClass",
           ic.reloptions AS options, obj_description(ic.oid, 'pg_class') AS comment
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_opclass opc ON opc.oid = i.indclass[0]
    WHERE n.nspname = ${schema} AND t.relname = ${table} AND am.amname IN ('hnsw', 'ivfflat')
    ORDER BY ic.oid DESC`
}

/** The installed pgvector version, or no row. */
export const selectVectorVersion: Fragment = sql`
  SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'`

/** Whether pgvector can be installed on this server at all. */
export const selectVectorAvailable: Fragment = sql`
  SELECT default_version AS version FROM pg_available_extensions WHERE name = 'vector'`

/** Whether a schema exists. */
export function selectSchema(schema: string): Fragment {
  return sql`SELECT nspname AS name FROM pg_namespace WHERE nspname = ${schema}`
}

/** One row of `pg_stat_progress_create_index`. */
export interface ProgressRow {
  phase: string
  blocksDone: number
  blocksTotal: number
  tuplesDone: number
  tuplesTotal: number
}

/** The progress of the index build that backend `pid` runs, or no row. */
export function selectBuildProgress(pid: number): Fragment {
  return sql`
    SELECT phase, blocks_done::float8 AS "blocksDone", blocks_total::float8 AS "blocksTotal",
           tuples_done::float8 AS "tuplesDone", tuples_total::float8 AS "tuplesTotal"
    FROM pg_stat_progress_create_index WHERE pid = ${pid}`
}

/**
 * Cheap row count estimate for a collection: the larger of the planner's reltuples (updated by
 * index builds, VACUUM and ANALYZE) and the statistics' live tuples (updated within a second of
 * each write). No table scan.
 */
export function selectRowEstimate(schema: string, table: string): Fragment {
  return sql`
    SELECT greatest(c.reltuples, pg_stat_get_live_tuples(c.oid))::float8 AS rows
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = ${table}`
}

/** Bytes on disk of a collection's table (heap and TOAST), all its indexes, and its vector index. */
export function selectSizes(schema: string, table: string): Fragment {
  return sql`
    SELECT pg_table_size(c.oid)::float8 AS "tableBytes",
           pg_indexes_size(c.oid)::float8 AS "indexBytes",
           (SELECT sum(pg_relation_size(i.indexrelid))::float8
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = c.oid AND am.amname IN ('hnsw', 'ivfflat')) AS "vectorIndexBytes"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = ${table} AND c.relkind = 'r'`
}

/** The session's values of the search settings; null where pgvector is not loaded and none is configured. */
export const selectSearchDefaults: Fragment = sql`
  SELECT current_setting('hnsw.ef_search', true) AS "hnsw.ef_search",
         current_setting('ivfflat.probes', true) AS "ivfflat.probes"`
