import { similarityOf } from '../measures.js'
import { parseMetadata } from '../records/stored.js'
import type { QueryResult } from '../types.js'
import { vectorFromText } from '../vector.js'
import type { CheckedQuery } from './query-options.js'

/** A row as the nearest-neighbour statement returns it: metadata as jsonb's text. */
export interface NearestRow {
  id: string
  value?: number
  vector?: string
  metadata?: string
}

/** Ids alone when no include flag is set; else `{ id, value?, similarity?, vector?, metadata? }`, nearest first. */
export function shapeResults(rows: NearestRow[], q: CheckedQuery): string[] | QueryResult[] {
  if (!q.includeValue && !q.includeSimilarity && !q.includeVector && !q.includeMetadata)
    return rows.map((row) => row.id)
  return rows.map((row) => {
    const result: QueryResult = { id: row.id }
    if (q.includeValue) result.value = row.value as number
    if (q.includeSimilarity) result.similarity = similarityOf(q.measure, row.value as number)
    if (q.includeVector) result.vector = vectorFromText(row.vector as string)
    if (q.includeMetadata) result.metadata = parseMetadata(row.metadata as string)
    return result
  })
}
