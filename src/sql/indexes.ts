import { ident, int, join, literal, sql, trusted, type Fragment } from './fragment.js'
import { tableIdent, type TableRef } from './tables.js'

/**
 * A vector index as DDL sees it: method, what it is built on (the column or a quantizing expression
 * of it, see quantized.ts), ops class, and its storage options (`m`, `lists`, …).
 */
export interface VectorIndexDefinition {
  readonly method: 'hnsw' | 'ivfflat'
  readonly key: Fragment
  readonly opsClass: string
  readonly storage: Readonly<Record<string, number>>
}

/**
 * `CREATE INDEX [CONCURRENTLY] … USING hnsw|ivfflat (<key> <ops>) WITH (…)`: DDL takes no
 * parameters, so only vecs' own names and checked integers go in.
 */
export function createVectorIndex(
  t: TableRef,
  name: string,
  index: VectorIndexDefinition,
  concurrently: boolean,
): Fragment {
  const using = sql`USING ${trusted(index.method)} (${index.key} ${trusted(index.opsClass)})`
  const options = Object.entries(index.storage).map(
    ([option, value]) => sql`${trusted(option)} = ${int(value)}`,
  )
  const create = concurrently ? sql`CREATE INDEX CONCURRENTLY` : sql`CREATE INDEX`
  return sql`${create} ${ident(name)} ON ${tableIdent(t)} ${using} WITH (${join(options)})`
}

export function dropIndex(
  t: Pick<TableRef, 'schema'>,
  name: string,
  concurrently = false,
): Fragment {
  const drop = concurrently ? sql`DROP INDEX CONCURRENTLY IF EXISTS` : sql`DROP INDEX IF EXISTS`
  return sql`${drop} ${ident(t.schema, name)}`
}

/** COMMENT ON takes no parameters: the comment is vecs' own words and numbers (see vector-index/note.ts). */
export function commentOnIndex(
  t: Pick<TableRef, 'schema'>,
  name: string,
  comment: string,
): Fragment {
  return sql`COMMENT ON INDEX ${ident(t.schema, name)} IS ${literal(comment)}`
}
