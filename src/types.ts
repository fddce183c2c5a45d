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

/** `[id, vector, metadata?]`, as in Python vecs. */
export type RecordTuple<M = Vector> = readonly [id: string, vector: M, metadata?: Metadata]

/** `{ id, vector, metadata? }`. */
export interface RecordObject<M = Vector> {
  readonly id: string
  readonly vector: M
  readonly metadata?: Metadata | undefined
}

/** One record for `upsert`: a tuple or an object. */
export type UpsertRecord<M = Vector> = RecordTuple<M> | RecordObject<M>

/** What `upsert` takes: an array, any iterable, or an async iterable of records. */
export type UpsertInput<M = Vector> = Iterable<UpsertRecord<M>> | AsyncIterable<UpsertRecord<M>>

/** A record as `fetch` returns it. */
export interface FetchedRecord {
  id: string
  vector: number[]
  metadata: Metadata
}

/** Storage type of a collection's vectors: float32 `vector` or float16 `halfvec`. */
export const VECTOR_TYPES = ['vector', 'halfvec'] as const
export type VectorType = (typeof VECTOR_TYPES)[number]

/** The four distance measures pgvector indexes. */
export const MEASURES = [
  'cosine_distance',
  'l2_distance',
  'max_inner_product',
  'l1_distance',
] as const
export type Measure = (typeof MEASURES)[number]

/** `IndexMeasure.cosine_distance` etc., as in Python vecs. */
export const IndexMeasure = {
  cosine_distance: 'cosine_distance',
  l2_distance: 'l2_distance',
  max_inner_product: 'max_inner_product',
  l1_distance: 'l1_distance',
} as const satisfies { [K in Measure]: K }
export type IndexMeasure = Measure

/** Index methods: `auto` picks HNSW where pgvector has it (≥ 0.5). */
export const INDEX_METHODS = ['auto', 'hnsw', 'ivfflat'] as const
export type IndexMethod = (typeof INDEX_METHODS)[number]
export const IndexMethod = {
  auto: 'auto',
  hnsw: 'hnsw',
  ivfflat: 'ivfflat',
} as const satisfies { [K in IndexMethod]: K }

/** Options of `collection.upsert`. */
export interface UpsertOptions {
  /** Pass raw vectors past the collection's adapter. */
  skipAdapter?: boolean | undefined
  /**
   * Called after each batch is written (inside the call's transaction) with the rows written so
   * far. If it throws, the upsert rejects with that error and writes nothing.
   */
  onProgress?: ((rowsWritten: number) => void) | undefined
}

/** Options of `collection.query`. */
export interface QueryOptions<M = Vector> {
  /** The query vector (or media for the collection's adapter). */
  data: M
  /** How many rows, 1..1000. Default 10. */
  limit?: number | undefined
  /** Metadata filter, see the filter grammar. */
  filters?: Filter | undefined
  /** Distance measure. Default `cosine_distance`. */
  measure?: Measure | undefined
  /** Add the distance as `value`. */
  includeValue?: boolean | undefined
  /** Add the metadata. */
  includeMetadata?: boolean | undefined
  /** Add the stored vector. */
  includeVector?: boolean | undefined
  /** IVFFlat lists to probe for this query only. Default: about sqrt(lists) of the current index. */
  probes?: number | undefined
  /** HNSW candidate list size for this query only, 1..1000. Default: max(40, limit). */
  efSearch?: number | undefined
  /** Pass a raw vector past the collection's adapter. */
  skipAdapter?: boolean | undefined
  /**
   * Rank every (matching) row, never through the vector index: the exact answer an approximate
   * index is measured against. Default false.
   */
  exact?: boolean | undefined
}

/** A query result row when an include flag is set. */
export interface QueryResult {
  id: string
  value?: number
  vector?: number[]
  metadata?: Metadata
}

/** A metadata filter: `{ year: { $gt: 2000 } }`, `{ $or: [...] }`. Checked when used. */
export type Filter = { readonly [key: string]: unknown }
