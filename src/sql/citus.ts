import { quoteIdent, sql, type Fragment } from './fragment.js'
import type { TableRef } from './tables.js'

/*
 * Citus: a coordinator that shards a table across worker nodes. Its catalog (pg_dist_*) exists only
 * where the extension is installed, so these statements run only after `selectCitusVersion` found
 * it.
 */

/** The installed Citus version, or no row. */
export const selectCitusVersion: Fragment = sql`
  SELECT extversion AS version FROM pg_extension WHERE extname = 'citus'`

/** `"schema"."name"`, as a regclass parameter takes it. */
function qualified(t: Pick<TableRef, 'schema' | 'name'>): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`
}

/**
 * Shards the table by `id` (hash), its rows moved to the shards; `colocateWith` another
 * distributed table (its shards on the same nodes), `'none'`, or `'default'`; `shardCount` null
 * for Citus' `citus.shard_count`.
 */
export function distributeTable(
  t: Pick<TableRef, 'schema' | 'name'>,
  shardCount: number | null,
  colocateWith: Pick<TableRef, 'schema' | 'name'> | 'none' | 'default',
): Fragment {
  const colocate = typeof colocateWith === 'string' ? colocateWith : qualified(colocateWith)
  return sql`SELECT create_distributed_table(${qualified(t)}::regclass, 'id',
    colocate_with => ${colocate}::text, shard_count => ${shardCount}::int)`
}

/** The length in bytes of the longest name among the table's and its indexes'. */
export function selectLongestName(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`
    SELECT max(octet_length(c.relname))::int AS bytes FROM pg_class c
    WHERE c.oid = ${qualified(t)}::regclass
       OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ${qualified(t)}::regclass)`
}

/** Each distributed table among `names` in the schema, with its shard count. */
export function selectDistributed(schema: string, names: readonly string[]): Fragment {
  return sql`
    SELECT c.relname AS name, count(s.shardid)::int AS "shardCount"
    FROM pg_dist_partition p
    JOIN pg_class c ON c.oid = p.logicalrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_dist_shard s ON s.logicalrelid = p.logicalrelid
    WHERE n.nspname = ${schema} AND c.relname = ANY(${names}::text[]) AND p.partmethod = 'h'
    GROUP BY c.relname`
}

/**
 * Bytes on disk across the shards: the table (heap and TOAST), all its indexes, and its vector
 * indexes (null where it has none), summed over every shard placement.
 */
export function selectDistributedSizes(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  const table = qualified(t)
  return sql`
    SELECT citus_table_size(${table}::regclass)::float8 AS "tableBytes",
           (citus_total_relation_size(${table}::regclass) - citus_table_size(${table}::regclass))::float8
             AS "indexBytes",
           -- null with no vector index, as on one server: an index has a page at least.
           (SELECT nullif(sum(result::float8), 0)
            FROM run_command_on_shards(${table}::regclass, ${SHARD_VECTOR_INDEX_BYTES})
            WHERE success) AS "vectorIndexBytes"`
}

/** Run on each shard (`%s` is the shard's name): the bytes of its valid vector indexes. */
const SHARD_VECTOR_INDEX_BYTES = `
  SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0)
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
  WHERE i.indrelid = '%s'::regclass AND am.amname IN ('hnsw', 'ivfflat')
    AND i.indisvalid AND i.indisready`

/**
 * The index builds running now on the table's shards, a row each, as every worker's
 * `pg_stat_progress_create_index` shows them (with the parallel workers each leads). Asked of the
 * workers through the coordinator; the schema and the shards' names are bound here and quoted by
 * `format` into the text each worker runs.
 */
export function selectShardBuildProgress(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`
    SELECT p.* FROM run_command_on_workers(format(${SHARD_BUILD_PROGRESS}, ${t.schema}::text,
      (SELECT array_agg(x.parts[array_length(x.parts, 1)]) FROM pg_dist_shard s,
         LATERAL (SELECT parse_ident(shard_name(s.logicalrelid, s.shardid)) AS parts) x
       WHERE s.logicalrelid = ${qualified(t)}::regclass))) w,
      json_to_recordset(w.result::json) AS p(shard text, phase text, "blocksDone" float8,
        "blocksTotal" float8, "tuplesDone" float8, "tuplesTotal" float8, workers int)
    WHERE w.success`
}

/** Run on each worker, with the schema (`%1$L`) and the shards' names (`%2$L`, a text[]). */
const SHARD_BUILD_PROGRESS = `
  SELECT coalesce(json_agg(json_build_object('shard', c.relname, 'phase', p.phase,
    'blocksDone', p.blocks_done, 'blocksTotal', p.blocks_total,
    'tuplesDone', p.tuples_done, 'tuplesTotal', p.tuples_total,
    'workers', (SELECT count(*) FROM pg_stat_activity a
                WHERE a.leader_pid = p.pid AND a.pid <> p.pid))), '[]')
  FROM pg_stat_progress_create_index p
  JOIN pg_class c ON c.oid = p.relid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = %1$L AND c.relname = ANY (%2$L::text[])`

/** The shards' row estimates (see `selectRowEstimate`), summed. */
export function selectShardRowEstimate(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`
    SELECT coalesce(sum(result::float8), 0) AS rows
    FROM run_command_on_shards(${qualified(t)}::regclass, ${SHARD_ROWS}) WHERE success`
}

/** The shards' counted rows (see `selectCountedRows`), summed; -1 while a shard was never counted. */
export function selectShardCountedRows(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`
    SELECT CASE WHEN min(result::float8) < 0 THEN -1 ELSE sum(result::float8) END AS rows
    FROM run_command_on_shards(${qualified(t)}::regclass, ${SHARD_COUNTED_ROWS}) WHERE success`
}

/** Run on each shard (`%s` is its name): its row estimate, as on one server (never below 0). */
const SHARD_ROWS = `
  SELECT greatest(reltuples, pg_stat_get_live_tuples(oid)) FROM pg_class WHERE oid = '%s'::regclass`

/** Run on each shard: the rows its statistics last counted, -1 if never. */
const SHARD_COUNTED_ROWS = `SELECT reltuples FROM pg_class WHERE oid = '%s'::regclass`
