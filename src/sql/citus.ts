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
 * indexes, summed over every shard placement.
 */
export function selectDistributedSizes(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  const table = qualified(t)
  return sql`
    SELECT citus_table_size(${table}::regclass)::float8 AS "tableBytes",
           (citus_total_relation_size(${table}::regclass) - citus_table_size(${table}::regclass))::float8
             AS "indexBytes",
           (SELECT sum(result::float8) FROM run_command_on_shards(${table}::regclass, ${SHARD_VECTOR_INDEX_BYTES})
            WHERE success) AS "vectorIndexBytes"`
}

/** Run on each shard (`%s` is the shard's name): the bytes of its valid vector indexes. */
const SHARD_VECTOR_INDEX_BYTES = `
  SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0)
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
  WHERE i.indrelid = '%s'::regclass AND am.amname IN ('hnsw', 'ivfflat')
    AND i.indisvalid AND i.indisready`
