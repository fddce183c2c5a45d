/**
 * PostgreSQL's own full-text search over the retrieval set's documents, in embedded PGlite: the
 * rank of each query's answer, and the words a query shares with its answer. Documents are
 * `to_tsvector('english', text)`; a query matches in one of two ways:
 *
 * - `all`: `websearch_to_tsquery('english', text)`, every word must occur (what a search box does);
 * - `any`: the query's words joined by `or`, any word may occur.
 *
 * Matches are ordered by `ts_rank_cd` (cover density), ties by document id, as vecs' own text search
 * orders them; an answer that does not match has no rank.
 */
import { PGlite } from '@electric-sql/pglite'
import type { RetrievalDocument, RetrievalQuery } from './retrieval-build.js'

export const TEXT_MATCHES = ['all', 'any'] as const
export type TextMatch = (typeof TEXT_MATCHES)[number]

export interface TextSearch {
  /** The answer's 1-based rank for the query, or null when the answer does not match. */
  rank(query: RetrievalQuery, match: TextMatch): Promise<number | null>
  /** How many lexemes (stemmed words, stopwords left out) the query and its answer share. */
  sharedLexemes(query: RetrievalQuery): Promise<number>
  close(): Promise<void>
}

/** A full-text index of `documents` in a new in-memory PGlite. */
export async function openTextSearch(documents: readonly RetrievalDocument[]): Promise<TextSearch> {
  const pg = new PGlite()
  await pg.exec(`
    CREATE TABLE docs (
      id text PRIMARY KEY,
      body text NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
    );
    CREATE INDEX docs_tsv ON docs USING gin (tsv);`)
  await pg.query('INSERT INTO docs (id, body) SELECT * FROM unnest($1::text[], $2::text[])', [
    documents.map((d) => d.id),
    documents.map((d) => d.text),
  ])
  await pg.exec('ANALYZE docs')
  return {
    rank: async (query, match) => {
      const { rows } = await pg.query<{ rank: number }>(RANK_SQL, [
        queryText(query, match),
        query.answer,
      ])
      return rows[0]?.rank ?? null
    },
    sharedLexemes: async (query) => {
      const { rows } = await pg.query<{ shared: number }>(SHARED_SQL, [query.text, query.answer])
      return rows[0]?.shared ?? 0
    },
    close: () => pg.close(),
  }
}

/** `any`: the query's words joined by websearch's `or` (words only, so no other operator). */
function queryText(query: RetrievalQuery, match: TextMatch): string {
  if (match === 'all') return query.text
  const words = query.text.match(/\p{L}+/gu) ?? []
  return words.filter((w) => w.toLowerCase() !== 'or').join(' or ')
}

const RANK_SQL = `
  WITH hits AS (
    SELECT id, ts_rank_cd(tsv, q) AS score
    FROM docs, websearch_to_tsquery('english', $1) AS q
    WHERE tsv @@ q
  )
  SELECT 1 + (
    SELECT count(*)::int FROM hits
    WHERE hits.score > answer.score OR (hits.score = answer.score AND hits.id < answer.id)
  ) AS rank
  FROM hits AS answer
  WHERE answer.id = $2`

const SHARED_SQL = `
  SELECT count(*)::int AS shared
  FROM unnest(tsvector_to_array(to_tsvector('english', $1))) AS lexeme
  WHERE lexeme = ANY (tsvector_to_array((SELECT tsv FROM docs WHERE id = $2)))`
