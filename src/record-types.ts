/** The shapes of records as users write and read them, and the options of `upsert`. */

/**
 * A JSON value as it can be stored in a record's metadata. Integers beyond 2^53 (which a number
 * cannot hold exactly) are `bigint`, read and written as jsonb integers.
 */
export type JsonValue =
  string | number | bigint | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A record's metadata: a plain JSON object. */
export type Metadata = { [key: string]: JsonValue }

/** A vector as users pass it: plain numbers or a Float32Array. */
export type Vector = readonly number[] | Float32Array

/** `[id, vector, metadata?]`, as in Python vecs; `Meta` types the metadata of a typed collection. */
export type RecordTuple<M = Vector, Meta = Metadata> = readonly [
  id: string,
  vector: M,
  metadata?: Meta,
]

/** `{ id, vector, metadata? }`. */
export interface RecordObject<M = Vector, Meta = Metadata> {
  readonly id: string
  readonly vector: M
  readonly metadata?: Meta | undefined
}

/** One record for `upsert`: a tuple or an object. */
export type UpsertRecord<M = Vector, Meta = Metadata> = RecordTuple<M, Meta> | RecordObject<M, Meta>

/** What `upsert` takes: an array, any iterable, or an async iterable of records. */
export type UpsertInput<M = Vector, Meta = Metadata> =
  Iterable<UpsertRecord<M, Meta>> | AsyncIterable<UpsertRecord<M, Meta>>

/** A record as `fetch` returns it. */
export interface FetchedRecord<Meta = Metadata> {
  id: string
  vector: number[]
  metadata: Meta
}

/** Options of `collection.upsert`. */
export interface UpsertOptions {
  /** Pass raw vectors past the collection's adapter. */
  skipAdapter?: boolean | undefined
  /**
   * Called after each batch is written (inside the call's transaction) with the rows written so
   * far. If it throws, the upsert rejects with that error and writes nothing.
   */
  onProgress?: ((rowsWritten: number) => void) | undefined
  /**
   * Load first and build the vector index after, rather than insert each row into it: `'auto'`
   * (default) for a large write (see the README), `true` always, `false` never.
   */
  rebuildIndex?: 'auto' | boolean | undefined
}
