import { ArgError } from './errors.js'
import { isPlainObject, isStorableText } from './json.js'
import type { EncodedRow } from './sql/statements.js'
import type { Metadata, UpsertRecord } from './types.js'
import { toFloat32, vectorToBinary } from './vector.js'

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

/** A record whose vector is checked against the collection and encoded for SQL. */
export function encodeRecord(parts: RecordParts<unknown>, dimension: number): EncodedRow {
  return {
    id: parts.id,
    vec: vectorToBinary(toFloat32(parts.media, dimension)),
    metadata: JSON.stringify(parts.metadata),
  }
}

/**
 * Groups records into arrays of at most `size`: synchronously for arrays and iterables (no
 * microtask per record), with `for await` only for async iterables.
 */
export async function* batchesOf<T>(
  input: Iterable<T> | AsyncIterable<T>,
  size: number,
): AsyncGenerator<T[]> {
  if (!isIterable(input))
    throw new ArgError('records must be an array, an iterable or an async iterable')
  if (Symbol.iterator in input) {
    yield* syncBatches(input, size)
    return
  }
  yield* asyncBatches(input, size)
}

/** Groups an iterable (an array, say) into arrays of at most `size`, without awaiting. */
export function* syncBatches<T>(source: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = []
  for (const item of source) {
    batch.push(item)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

async function* asyncBatches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = []
  for await (const item of source) {
    batch.push(item)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
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
  if (typeof ids === 'string' || !isIterable(ids) || isAsyncIterable(ids)) {
    throw new ArgError('ids must be an array of strings')
  }
  return Array.from(ids as Iterable<unknown>, checkId)
}

/**
 * Checks metadata: a plain object of JSON values that jsonb can store. Refused: class instances
 * (Date, Map), undefined, functions, bigint, non-finite numbers, NUL characters, cycles.
 */
export function checkMetadata(metadata: unknown): Metadata {
  if (!isPlainObject(metadata)) throw new ArgError('metadata must be a plain JSON object')
  checkJson(metadata, 'metadata', new Set())
  return metadata as Metadata
}

function checkJson(value: unknown, path: string, seen: Set<object>): void {
  if (value === null || typeof value === 'boolean') return
  if (typeof value === 'string') return checkText(value, path)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArgError(`${path} must be a finite number`)
    return
  }
  if (Array.isArray(value) || isPlainObject(value)) return checkContainer(value, path, seen)
  throw new ArgError(`${path} is not a JSON value (${describe(value)})`)
}

function checkContainer(value: object, path: string, seen: Set<object>): void {
  if (seen.has(value)) throw new ArgError(`${path} refers to itself`)
  seen.add(value)
  if (Array.isArray(value)) value.forEach((item, i) => checkJson(item, `${path}[${i}]`, seen))
  else {
    for (const [key, item] of Object.entries(value)) {
      checkText(key, `a key in ${path}`)
      checkJson(item, `${path}.${key}`, seen)
    }
  }
  seen.delete(value)
}

function checkText(text: string, path: string): void {
  if (!isStorableText(text)) {
    throw new ArgError(`${path} contains U+0000 or a lone surrogate, which jsonb cannot store`)
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object'
  return typeof value
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  )
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}
