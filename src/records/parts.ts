import { ArgError } from '../errors.js'
import { isStorableText } from '../json.js'
import type { Metadata, UpsertRecord } from '../types.js'
import { utf8Length } from '../utf8.js'
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

/**
 * The longest id, in UTF-8 bytes. The id is the primary key, and a btree entry holds at most 2704
 * bytes (a third of a page, less headers): an id of about 2,690 random bytes fails at the write,
 * while a compressible one may pass at 100 kB, so the true bound depends on the text. 2048 is under
 * it for any text, and is checked the same way in upsert, fetch and delete.
 */
export const MAX_ID_BYTES = 2048

/** Checks a record id: a string Postgres can store (no NUL, no lone surrogate) and index. */
export function checkId(id: unknown): string {
  if (typeof id !== 'string') throw new ArgError('record ids must be strings')
  if (!isStorableText(id))
    throw new ArgError('record ids must not contain U+0000 or lone surrogates')
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short ids skip the count.
  if (id.length * 3 > MAX_ID_BYTES && utf8Length(id) > MAX_ID_BYTES) {
    throw new ArgError(`record ids must be at most ${MAX_ID_BYTES} bytes long (UTF-8)`)
  }
  return id
}

/** Checks a list of ids given to fetch or delete; a bare string is refused, not split into characters. */
export function checkIds(ids: unknown): string[] {
  if (typeof ids !== 'object' || ids === null || !(Symbol.iterator in ids)) {
    throw new ArgError('ids must be an array of strings')
  }
  return Array.from(ids as Iterable<unknown>, checkId)
}
