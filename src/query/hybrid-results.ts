import { similarityOf } from '../measures.js'
import { parseMetadata } from '../records/stored.js'
import { fuse, type SideRow } from '../text-search/fusion.js'
import type { TextRow } from '../text-search/text-query.js'
import type { Ranking } from '../text-types.js'
import type { QueryResult } from '../types.js'
import { vectorFromText } from '../vector.js'
import type { CheckedQuery } from './query-options.js'
import type { NearestRow } from './results.js'

/**
 * The page of a text query without a vector: the matching rows, best ranked first; `value` is the
 * text score, and `ranking` says it came from the text side alone.
 */
export function textResults(rows: readonly TextRow[], q: CheckedQuery): string[] | QueryResult[] {
  return shaped(
    rows.map((row, i) => ({
      row,
      score: row.score,
      ranking: { vectorRank: null, distance: null, textRank: i + 1, textScore: row.score },
    })),
    q,
  )
}

/**
 * The page of a hybrid query: the vector side's and the text side's candidates fused by
 * Reciprocal Rank Fusion (see fusion.ts); `value` is the fused score. Every row has its distance:
 * the vector side measured its own, and the text side measured the distance of what it found.
 */
export function hybridResults(
  vectorRows: readonly NearestRow[],
  textRows: readonly TextRow[],
  q: CheckedQuery,
): string[] | QueryResult[] {
  const fused = fuse(vectorRows as SideRow[], textRows, q.fusion!, q.limit)
  return shaped(
    fused.map((f) => ({
      row: f.row as NearestRow,
      score: f.score,
      ranking: {
        vectorRank: f.vectorRank,
        distance: f.distance,
        textRank: f.textRank,
        textScore: f.textScore,
      },
    })),
    q,
  )
}

function shaped(
  page: readonly { row: NearestRow; score: number; ranking: Ranking }[],
  q: CheckedQuery,
): string[] | QueryResult[] {
  if (!q.includeValue && !q.includeSimilarity && !q.includeVector && !q.includeMetadata)
    return page.map(({ row }) => row.id)
  return page.map(({ row, score, ranking }) => {
    const result: QueryResult = { id: row.id }
    if (q.includeValue) result.value = score
    if (q.includeSimilarity && ranking.distance !== null)
      result.similarity = similarityOf(q.measure, ranking.distance)
    if (q.includeVector) result.vector = vectorFromText(row.vector as string)
    if (q.includeMetadata) result.metadata = parseMetadata(row.metadata as string)
    if (q.includeValue) result.ranking = ranking
    return result
  })
}
