import type { VectorType } from '../types.js'
import { ident, int, sql, trusted, type Fragment, type Identifier } from './fragment.js'

/** The table behind a collection. */
export interface TableRef {
  readonly schema: string
  readonly name: string
  readonly dimension: number
  readonly type: VectorType
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
