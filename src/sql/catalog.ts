import { VECTOR_TYPES, type VectorType } from '../types.js'
import { sql, type Fragment } from './fragment.js'
import { selectDistributedSizes, selectShardCountedRows, selectShardRowEstimate } from './citus.js'
import type { TableRef } from './tables.js'

/** A collection as the catalog shows it: a table in the schema with a `vec` vector or halfvec column. */
export interface CollectionRow {
  name: string
  dimension: number
  type: VectorType
  /** Citus shards, for a distributed collection (read apart: see distribution.ts). */
  shards?: number | undefined
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
  /** What it is built on, as PostgreSQL prints it: `vec`, or `(vec::halfvec(3))` for an expression. */
  key: string
  opsClass: string
  options: string[] | null
  comment: string | null
}

/**
 * The valid HNSW and IVFFlat indexes on a collection's table, newest first. An index that is not
 * valid and ready (a concurrent build under way, failed or interrupted, or a concurrent drop) is
 * one the planner does not use, so vecs neither reports nor keeps it.
 */
export function selectVectorIndexes(schema: string, table: string): Fragment {
  return sql`
    SELECT ic.relname AS name, am.amname AS method, pg_get_indexdef(ic.oid, 1, true) AS key,
           opc.opcname AS "opsClass", ic.reloptions AS options,
           obj_description(ic.oid, 'pg_class') AS comment
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_opclass opc ON opc.oid = i.indclass[0]
    WHERE n.nspname = ${schema} AND t.relname = ${table} AND am.amname IN ('hnsw', 'ivfflat')
      AND i.indisvalid AND i.indisready
    ORDER BY ic.oid DESC`
}

/**
 * Invalid HNSW and IVFFlat indexes on a collection's table that no session is building: what a
 * concurrent build leaves when it fails where it cannot clean up (its connection terminated, the
 * server killed). An index that a CREATE INDEX CONCURRENTLY is building right now is invalid too,
 * and must not be dropped, so an invalid index counts as abandoned only while no other session in
 * this database reports a CREATE INDEX or REINDEX on this table in pg_stat_progress_create_index.
 * That view hides the table of another role's build (relid is null without the rights to see it);
 * such a build still holds its lock on the table for its whole run (pg_locks shows every session's
 * locks), so a hidden build that holds any lock on this table counts as building here too.
 */
export function selectAbandonedVectorIndexes(schema: string, table: string): Fragment {
  return sql`
    SELECT ic.relname AS name
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
    WHERE n.nspname = ${schema} AND t.relname = ${table} AND am.amname IN ('hnsw', 'ivfflat')
      AND NOT (i.indisvalid AND i.indisready)
      AND NOT EXISTS (
        SELECT FROM pg_stat_progress_create_index p
        WHERE p.pid <> pg_backend_pid()
          AND p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND (p.relid = t.oid OR (p.relid IS NULL AND EXISTS (
            SELECT FROM pg_locks l
            WHERE l.pid = p.pid AND l.locktype = 'relation' AND l.relation = t.oid))))
    ORDER BY ic.oid`
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
  workers: number
}

/**
 * The progress of the index build that backend `pid` runs, or no row, with the parallel workers
 * it leads right now.
 */
export function selectBuildProgress(pid: number): Fragment {
  return sql`
    SELECT phase, blocks_done::float8 AS "blocksDone", blocks_total::float8 AS "blocksTotal",
           tuples_done::float8 AS "tuplesDone", tuples_total::float8 AS "tuplesTotal",
           (SELECT count(*) FROM pg_stat_activity a
            WHERE a.leader_pid = p.pid AND a.pid <> p.pid)::int AS workers
    FROM pg_stat_progress_create_index p WHERE p.pid = ${pid}`
}

/**
 * Cheap row count estimate for a collection: the larger of the planner's reltuples (updated by
 * index builds, VACUUM and ANALYZE) and the statistics' live tuples (updated within a second of
 * each write). No table scan. On a Citus table, summed over its shards.
 */
export function selectRowEstimate(t: TableRef): Fragment {
  if (t.shards !== undefined) return selectShardRowEstimate(t)
  return sql`
    SELECT greatest(c.reltuples, pg_stat_get_live_tuples(c.oid))::float8 AS rows
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${t.schema} AND c.relname = ${t.name}`
}

/**
 * Rows as the planner's statistics last counted them (ANALYZE, VACUUM, CREATE INDEX); -1 if never
 * (on a Citus table: summed over its shards, -1 while any shard was never counted).
 */
export function selectCountedRows(t: TableRef): Fragment {
  if (t.shards !== undefined) return selectShardCountedRows(t)
  return sql`
    SELECT c.reltuples::float8 AS rows
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${t.schema} AND c.relname = ${t.name}`
}

/**
 * Bytes on disk of a collection's table (heap and TOAST), all its indexes, and its vector index
 * (on a Citus table, summed over its shards).
 */
export function selectSizes(t: TableRef): Fragment {
  if (t.shards !== undefined) return selectDistributedSizes(t)
  return sql`
    SELECT pg_table_size(c.oid)::float8 AS "tableBytes",
           pg_indexes_size(c.oid)::float8 AS "indexBytes",
           (SELECT sum(pg_relation_size(i.indexrelid))::float8
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = c.oid AND am.amname IN ('hnsw', 'ivfflat')
              AND i.indisvalid AND i.indisready) AS "vectorIndexBytes"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${t.schema} AND c.relname = ${t.name} AND c.relkind = 'r'`
}

/** The session's values of the search settings; null where pgvector is not loaded and none is configured. */
export const selectSearchDefaults: Fragment = sql`
  SELECT current_setting('hnsw.ef_search', true) AS "hnsw.ef_search",
         current_setting('ivfflat.probes', true) AS "ivfflat.probes",
         current_setting('hnsw.max_scan_tuples', true) AS "hnsw.max_scan_tuples",
         current_setting('hnsw.iterative_scan', true) AS "hnsw.iterative_scan",
         current_setting('ivfflat.iterative_scan', true) AS "ivfflat.iterative_scan"`
