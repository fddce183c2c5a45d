import { ident, join, literal, sql, trusted, type Fragment } from './fragment.js'
import { stage } from './rows.js'
import { tableIdent, type TableRef } from './tables.js'

/*
 * A load beside the collection: a copy of its table (a shadow) takes the old rows and the new, gets
 * its indexes, and replaces the table in one short step at the end of the transaction, while
 * readers go on using the old table and its index. These are the statements it runs.
 */

/**
 * Writers wait until the load commits; readers do not (SELECT's lock does not conflict). The mode
 * conflicts with itself, so two loads of one collection take turns instead of deadlocking when
 * each wants the table to itself at the swap.
 */
export function lockForLoad(t: TableRef): Fragment {
  return sql`LOCK TABLE ${tableIdent(t)} IN SHARE ROW EXCLUSIVE MODE`
}

/**
 * Why the table cannot be replaced by a copy without losing something, one row per reason: what
 * depends on the table by its identity (views, rules, foreign keys, triggers, policies,
 * publications, inheritance, owned sequences, extensions, Citus' distribution), and properties a
 * copy made with `LIKE … INCLUDING ALL` does not carry (columns beyond the Python vecs layout,
 * persistence, tablespace, column privileges, replica identity). An invalid index is a build
 * under way or abandoned, which a copy would make valid and empty.
 */
export function selectLoadObstacles(t: TableRef): Fragment {
  return sql`
    SELECT r.reason FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL (VALUES
      ('views or rules depend on it', EXISTS (
        SELECT FROM pg_depend d WHERE d.classid = 'pg_rewrite'::regclass
          AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid)),
      ('it has foreign keys', EXISTS (
        SELECT FROM pg_constraint k WHERE k.contype = 'f' AND (k.conrelid = c.oid OR k.confrelid = c.oid))),
      ('it has triggers', EXISTS (
        SELECT FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)),
      ('it has row-level security', c.relrowsecurity OR c.relforcerowsecurity OR EXISTS (
        SELECT FROM pg_policy p WHERE p.polrelid = c.oid)),
      ('it is in a publication', EXISTS (SELECT FROM pg_publication_rel p WHERE p.prrelid = c.oid)),
      ('it is partitioned or inherits', c.relkind <> 'r' OR c.relispartition OR EXISTS (
        SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = c.oid)),
      ('it has columns besides id, vec and metadata', ARRAY(
        SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
        ORDER BY a.attnum) <> ARRAY['id', 'vec', 'metadata']),
      ('it is unlogged or temporary', c.relpersistence <> 'p'),
      ('it is in a tablespace of its own', c.reltablespace <> 0),
      ('it has column privileges', EXISTS (
        SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL)),
      ('its replica identity is not the default', c.relreplident <> 'd'),
      ('it has an invalid index', EXISTS (
        SELECT FROM pg_index i WHERE i.indrelid = c.oid AND NOT (i.indisvalid AND i.indisready))),
      ('it is a Citus table', EXISTS (
        SELECT FROM pg_trigger g JOIN pg_proc p ON p.oid = g.tgfoid
        WHERE g.tgrelid = c.oid AND p.proname = 'citus_truncate_trigger')),
      ('it belongs to an extension', EXISTS (
        SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.deptype = 'e')),
      ('other objects depend on it', EXISTS (
        SELECT FROM pg_depend d WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid
          AND d.classid NOT IN ('pg_rewrite'::regclass, 'pg_trigger'::regclass,
            'pg_policy'::regclass, 'pg_publication_rel'::regclass, 'pg_type'::regclass,
            'pg_attrdef'::regclass, 'pg_statistic_ext'::regclass, 'pg_constraint'::regclass)
          AND NOT (d.classid = 'pg_class'::regclass AND (d.objid = c.reltoastrelid
            OR d.objid IN (SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = c.oid)))))
    ) AS r (reason, applies)
    WHERE n.nspname = ${t.schema} AND c.relname = ${t.name} AND r.applies`
}

/** The table's storage options (`fillfactor=90`, …) and comment, which `LIKE` does not copy. */
export function selectTableExtras(t: TableRef): Fragment {
  return sql`
    SELECT c.reloptions AS options, obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${t.schema} AND c.relname = ${t.name}`
}

/**
 * The copy: the same columns, defaults, constraints, indexes (empty, named by PostgreSQL), column
 * storage, statistics targets and comments, in the same schema.
 */
export function createShadow(t: TableRef, shadow: TableRef): Fragment {
  return sql`CREATE TABLE ${tableIdent(shadow)} (LIKE ${tableIdent(t)} INCLUDING ALL)`
}

/** Whether the copy has the table's owner and privileges (default privileges may differ). */
export function selectSameAccess(t: TableRef, shadow: TableRef): Fragment {
  return sql`
    SELECT (a.relowner = b.relowner AND a.relacl IS NOT DISTINCT FROM b.relacl) AS same
    FROM pg_class a JOIN pg_namespace n ON n.oid = a.relnamespace, pg_class b
    WHERE n.nspname = ${t.schema} AND a.relname = ${t.name}
      AND b.relnamespace = n.oid AND b.relname = ${shadow.name}`
}

/** Storage options as `name = 'value'`; only plain names and values (see `plainOption`). */
export function setTableOptions(t: TableRef, options: readonly [string, string][]): Fragment {
  const set = options.map(([name, value]) => sql`${trusted(name)} = ${literal(value)}`)
  return sql`ALTER TABLE ${tableIdent(t)} SET (${join(set)})`
}

export function commentOnTable(t: TableRef, comment: string): Fragment {
  return sql`COMMENT ON TABLE ${tableIdent(t)} IS ${literal(comment)}`
}

/**
 * Each index of the table with its copy on the shadow: the one defined the same way (access
 * method, uniqueness, columns and expressions as printed, ops classes, collations, options,
 * predicate), the n-th of a kind with the n-th. `twin` is null where none matches.
 */
export function selectTwinIndexes(t: TableRef, shadow: TableRef): Fragment {
  return sql`
    WITH shaped AS (
      SELECT c.relname AS owner, ic.relname AS name, ic.oid,
        concat_ws(' ', am.amname, i.indisunique, i.indisprimary, i.indisexclusion, i.indnkeyatts,
          i.indclass::text, i.indcollation::text, i.indoption::text, ic.reloptions::text,
          pg_get_expr(i.indpred, i.indrelid, true),
          (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), ', ' ORDER BY k)
           FROM generate_series(1, i.indnatts) AS k)) AS shape
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_am am ON am.oid = ic.relam
      WHERE n.nspname = ${t.schema} AND c.relname IN (${t.name}, ${shadow.name})
    ), numbered AS (
      SELECT *, row_number() OVER (PARTITION BY owner, shape ORDER BY oid) AS nth FROM shaped
    )
    SELECT o.name AS original, s.name AS twin
    FROM numbered o
    LEFT JOIN numbered s ON s.owner = ${shadow.name} AND s.shape = o.shape AND s.nth = o.nth
    WHERE o.owner = ${t.name}
    ORDER BY o.oid`
}

/** The table's rows that the staged rows do not replace, into the shadow. */
export function copyKeptRows(t: TableRef, shadow: TableRef): Fragment {
  return sql`INSERT INTO ${tableIdent(shadow)} (id, vec, metadata)
    SELECT o.id, o.vec, o.metadata FROM ${tableIdent(t)} AS o
    WHERE NOT EXISTS (SELECT FROM ${stage} AS s WHERE s.id = o.id)`
}

/**
 * The swap needs the table to itself. While it waits for a lock, every new reader queues behind
 * it, so it asks with a short lock timeout inside a savepoint and, on timeout, rolls back to the
 * savepoint (leaving the queue) and asks again later: a long reader delays the swap, not the
 * readers after it.
 */
export const swapSavepoint: Fragment = sql`SAVEPOINT vecs_swap`
export const releaseSwapSavepoint: Fragment = sql`RELEASE SAVEPOINT vecs_swap`
export const rollbackToSwapSavepoint: Fragment = sql`ROLLBACK TO SAVEPOINT vecs_swap`

export function lockForSwap(t: TableRef): Fragment {
  return sql`LOCK TABLE ${tableIdent(t)} IN ACCESS EXCLUSIVE MODE`
}

/** `lock_timeout` for the rest of the transaction (a rollback to the savepoint undoes it). */
export function setLockTimeout(value: string): Fragment {
  return sql`SELECT set_config('lock_timeout', ${value}, true)`
}

export const selectLockTimeout: Fragment = sql`SELECT current_setting('lock_timeout') AS value`

/** The swap: the shadow takes the table's name, then each index copy its original's. */
export function renameTable(shadow: TableRef, name: string): Fragment {
  return sql`ALTER TABLE ${tableIdent(shadow)} RENAME TO ${ident(name)}`
}

export function renameIndex(t: Pick<TableRef, 'schema'>, from: string, to: string): Fragment {
  return sql`ALTER INDEX ${ident(t.schema, from)} RENAME TO ${ident(to)}`
}
