import type { Measure } from '../types.js'
import { ident, join, literal, sql, type Fragment } from './fragment.js'
import { distanceTo, metadataText } from './nearest.js'
import { tableIdent, type TableRef } from './tables.js'

/** Which metadata key holds a collection's text, and the text search configuration that reads it. */
export interface TextSource {
  /** A metadata key of letters, digits, `_`, `.` and `-` (checked: DDL takes no parameters). */
  readonly key: string
  /** A text search configuration (`english`, `simple`…) that exists on the server (checked). */
  readonly language: string
}

/**
 * `to_tsvector('english'::regconfig, metadata ->> 'text')`: the expression the text index is built
 * on and every text search filters by, written the same way in both so that the planner matches
 * them. Its parts are literals: an index expression takes no parameters.
 */
export function textVector(source: TextSource): Fragment {
  return sql`to_tsvector(${literal(source.language)}::regconfig, metadata ->> ${literal(source.key)})`
}

/** `CREATE INDEX … USING gin (to_tsvector(…))`: an expression index; the table is unchanged. */
export function createTextIndex(t: TableRef, name: string, source: TextSource): Fragment {
  return sql`CREATE INDEX ${ident(name)} ON ${tableIdent(t)} USING gin ((${textVector(source)}))`
}

/** The names of the server's text search configurations, for a message that lists them. */
export function textConfigs(): Fragment {
  return sql`SELECT cfgname AS name FROM pg_ts_config ORDER BY cfgname`
}

/** The collection's text indexes: each one's name and the comment vecs wrote on it. */
export function textIndexes(t: Pick<TableRef, 'schema' | 'name'>): Fragment {
  return sql`SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS note,
      pg_relation_size(c.oid) AS bytes
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ${t.schema} AND t.relname = ${t.name}
      AND c.relname LIKE ${`${TEXT_INDEX_PREFIX}%`}
    ORDER BY c.relname`
}

export const TEXT_INDEX_PREFIX = 'ix_text_'

/** What a text search selects: the rows whose text matches, best ranked first. */
export interface TextQuery {
  readonly source: TextSource
  readonly text: string
  readonly limit: number
  readonly where: Fragment | null
  readonly includeVector: boolean
  readonly includeMetadata: boolean
  /** The query vector of a hybrid query: each row's distance to it comes back as `value`. */
  readonly nearTo: { readonly vec: Uint8Array; readonly measure: Measure } | null
}

/**
 * Full-text search: `websearch_to_tsquery` reads the user's text as a web search box does (quotes
 * for phrases, `or`, `-` to exclude) and never fails on its syntax; rows match through the text
 * index and are ranked by `ts_rank_cd` (cover density), ties by id so that a page is stable. A
 * query of stop words only matches nothing.
 */
export function selectText(t: TableRef, q: TextQuery): Fragment {
  const document = textVector(q.source)
  const columns: Fragment[] = [sql`id`, sql`ts_rank_cd(${document}, query) AS score`]
  if (q.nearTo !== null) {
    columns.push(sql`${distanceTo(t, q.nearTo.measure, q.nearTo.vec)} AS value`)
  }
  if (q.includeVector) columns.push(sql`vec AS vector`)
  if (q.includeMetadata) columns.push(metadataText)
  const filter = q.where === null ? sql`` : sql`AND (${q.where})`
  const query = sql`websearch_to_tsquery(${literal(q.source.language)}::regconfig, ${q.text})`
  return sql`SELECT ${join(columns)} FROM ${tableIdent(t)}, ${query} AS query
    WHERE ${document} @@ query ${filter}
    ORDER BY score DESC, id LIMIT ${q.limit}`
}
