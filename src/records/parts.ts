import { ArgError } from '../errors.js'
import { isStorableText } from '../json.js'
import type { Metadata, UpsertRecord } from '../types.js'
import { checkMetadata } from './metadata.js'

/** One record taken apart: `[id, vector, metadata]` tuples and `{ id, vector, metadata }` objects alike. */
export interface RecordParts<M> {
  readonly id: string
  readonly media: M
  readonly metadata: Metadata
}

/** Takes a tuple or object record apart, checking the id and the metadata (not the vector). */
export function recordParts<M>(record: UpsertRecord<M>): RecordParts<M> {
  if (Array.isArray(record)) {
    if (record.length < 2 || record.length > 3) {
      throw new ArgError('a record tuple must be [id, vector] or [id, vector, metadata]')
    }
    const [id, media, metadata] = record as readonly [unknown, M, unknown]
    return { id: checkId(id), media, metadata: checkMetadata(metadata ?? {}) }
  }
  if (typeof record !== 'object' || record === null || !('id' in record) || !('vector' in record)) {
    throw new ArgError('a record must be [id, vector, metadata?] or { id, vector, metadata? }')
  }
  const object = record as { id: unknown; vector: M; metadata?: unknown }
  return {
    id: checkId(object.id),
    media: object.vector,
    metadata: checkMetadata(object.metadata ?? {}),
  }
}

/** Checks a record id: a string Postgres can store (no NUL). */
export function checkId(id: unknown): string {
  if (typeof id !== 'string') throw new ArgError('record ids must be strings')
  if (!isStorableText(id))
    throw new ArgError('record ids must not contain U+0000 or lone surrogates')
  return id
}

/** Checks a list of ids given to fetch or delete; a bare string is refused, not split into characters. */
export function checkIds(ids: unknown): string[] {
  if (typeof ids !== 'object' || ids === null || !(Symbol.iterator in ids)) {
    throw new ArgError('ids must be an array of strings')
  }
  return Array.from(ids as Iterable<unknown>, checkId)
}
