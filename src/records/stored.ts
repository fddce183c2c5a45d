import { parseJson } from '../json.js'
import type { FetchedRecord, Metadata } from '../types.js'
import { vectorFromText } from '../vector.js'

/** A stored record as `fetch` and `sample` return it. */
export function recordFromRow(row: { id: string; vec: string; metadata: string }): FetchedRecord {
  return { id: row.id, vector: vectorFromText(row.vec), metadata: parseMetadata(row.metadata) }
}

/** Metadata read without changing a number: integers beyond 2^53 become `bigint`. */
export function parseMetadata(text: string): Metadata {
  return parseJson(text) as Metadata
}
