import type { FusionOptions, Ranking } from './text-types.js'
import type { Metadata, Vector } from './record-types.js'

export type {
  JsonValue,
  Metadata,
  Vector,
  RecordTuple,
  RecordObject,
  UpsertRecord,
  UpsertInput,
  FetchedRecord,
  UpsertOptions,
} from './record-types.js'

/** Options of `collection.count`. */
export interface CountOptions<Meta = Metadata> {
  /** Count only the records this filter matches. */
  filters?: Filter<Meta> | undefined
  /** Count on the primary even where the client has read replicas. */
  fromPrimary?: boolean | undefined
}

/** Options of `collection.list`: a page of records in id order. */
export interface ListOptions<Meta = Metadata> {
  /** Only the records this filter matches. */
  filters?: Filter<Meta> | undefined
  /** Records a page, 1..10000. Default 100. */
  limit?: number | undefined
  /** The `cursor` of the previous page; none (or null) for the first. */
  cursor?: string | null | undefined
}

/** Options of `collection.scan`. */
export interface ScanOptions<Meta = Metadata> {
  /** Only the records this filter matches. */
  filters?: Filter<Meta> | undefined
  /** Records a page, 1..10000. Default 100. */
  pageSize?: number | undefined
}

/** One page of `list`, and the cursor of the next (null after the last page). */
export interface Page<R> {
  readonly records: R[]
  readonly cursor: string | null
}

/** Options of `collection.updateMetadata`. */
export interface UpdateMetadataOptions {
  /** Replace each record's metadata with the patch instead of merging its top-level keys. */
  replace?: boolean | undefined
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

/**
 * How a vector index stores the vectors of a `vector` collection (the table is unchanged):
 * `none` as they are; `halfvec` at half precision (half the size, up to 4000 dimensions); `binary`
 * one bit a dimension, searched by Hamming distance and re-ranked by the exact distance.
 */
export const QUANTIZATIONS = ['none', 'halfvec', 'binary'] as const
export type Quantization = (typeof QUANTIZATIONS)[number]

/** Index methods: `auto` picks HNSW where pgvector has it (≥ 0.5). */
export const INDEX_METHODS = ['auto', 'hnsw', 'ivfflat'] as const
export type IndexMethod = (typeof INDEX_METHODS)[number]
export const IndexMethod = {
  auto: 'auto',
  hnsw: 'hnsw',
  ivfflat: 'ivfflat',
} as const satisfies { [K in IndexMethod]: K }

/** Options of `collection.query`. */
export interface QueryOptions<M = Vector, Meta = Metadata> {
  /**
   * The query vector (or media for the collection's adapter). Needed unless `text` is given: then
   * without it the query ranks by text alone, and with it both rankings are fused.
   */
  data?: M | undefined
  /**
   * Words to search the collection's text index for (see `createTextIndex`), in web search syntax:
   * `"a phrase"`, `or`, `-excluded`. With `data` too, a hybrid query: the vector and the text
   * rankings fused by Reciprocal Rank Fusion (see `fusion`).
   */
  text?: string | undefined
  /** How a hybrid query fuses its two rankings. */
  fusion?: FusionOptions | undefined
  /** How many rows, 1..1000. Default 10. */
  limit?: number | undefined
  /** Metadata filter, see the filter grammar; typed by the collection's metadata. */
  filters?: Filter<Meta> | undefined
  /** Distance measure. Default `cosine_distance`. */
  measure?: Measure | undefined
  /**
   * Add the distance as `value`. With `text`: the fused score (hybrid) or the text rank score
   * (text alone), higher is better, and `ranking`, where each side placed the row.
   */
  includeValue?: boolean | undefined
  /**
   * Add `similarity`, higher for nearer: cosine similarity (1 − cosine distance), the inner
   * product, or 1 / (1 + distance) for L2 and L1.
   */
  includeSimilarity?: boolean | undefined
  /** Add the metadata. */
  includeMetadata?: boolean | undefined
  /** Add the stored vector. */
  includeVector?: boolean | undefined
  /** IVFFlat lists to probe for this query only. Default: about sqrt(lists) of the current index. */
  probes?: number | undefined
  /** HNSW candidate list size for this query only, 1..1000. Default: max(40, limit). */
  efSearch?: number | undefined
  /**
   * A quantized index: how many times the page its scan takes, to re-rank by the exact distance,
   * 1..100. Default for a binary index: as tuned (see `tune()`), else 10; for a halfvec index 1 (the
   * page itself, put in exact order where distances are asked for, else in the index's order). An
   * index that is not quantized takes none (ArgError).
   */
  rerank?: number | undefined
  /** Pass a raw vector past the collection's adapter. */
  skipAdapter?: boolean | undefined
  /**
   * Rank every (matching) row, never through the vector index: the exact answer an approximate
   * index is measured against. Default false.
   */
  exact?: boolean | undefined
  /** Read on the primary even where the client has read replicas (to read your own writes). */
  fromPrimary?: boolean | undefined
}

/**
 * A query needs something to search by: options that surely have neither `data` nor `text` must
 * have `data` (a compile error where they are written, as at run time an ArgError).
 */
export type SearchGiven<O, M> = O extends {
  data?: undefined
  text?: undefined
  // Not a weak type (all optional), which nothing without its keys would extend.
  [key: string]: unknown
}
  ? { data: M }
  : unknown

/** A query result row when an include flag is set. */
export interface QueryResult {
  id: string
  value?: number
  similarity?: number
  vector?: number[]
  metadata?: Metadata
  ranking?: Ranking
}

/** The include flags of a query, as given: `true`, `false`, `boolean` or left out. */
type Flag<O, K extends string> = O extends { [P in K]?: infer F } ? F : undefined

/** A field the flag surely adds (`true`), may add (`boolean`), or never adds. */
type Field<F, K extends string, T> = [F] extends [true]
  ? { [P in K]: T }
  : true extends F
    ? { [P in K]?: T }
    : { [P in K]?: never }

/** One result row of a query whose options are `O`: `id`, and each field its flag includes. */
export type QueryRow<O, Meta = Metadata> = { id: string } & Field<
  Flag<O, 'includeValue'>,
  'value',
  number
> &
  Field<Flag<O, 'includeSimilarity'>, 'similarity', number> &
  Field<Flag<O, 'includeVector'>, 'vector', number[]> &
  Field<Flag<O, 'includeMetadata'>, 'metadata', Meta> &
  Field<RankingFlag<O>, 'ranking', Ranking>

/** Whether the options give `text`: surely, maybe (`string | undefined`), or not. */
type TextGiven<O> = [Flag<O, 'text'>] extends [string]
  ? true
  : [Flag<O, 'text'>] extends [undefined]
    ? false
    : boolean

/** `ranking` comes with `includeValue` on a query with `text`. */
type RankingFlag<O> =
  TextGiven<O> extends false
    ? undefined
    : [TextGiven<O>] extends [true]
      ? Flag<O, 'includeValue'>
      : true extends Flag<O, 'includeValue'>
        ? boolean
        : undefined

type Flags<O> =
  | Flag<O, 'includeValue'>
  | Flag<O, 'includeSimilarity'>
  | Flag<O, 'includeVector'>
  | Flag<O, 'includeMetadata'>

/**
 * What `query(options)` resolves to, following its include flags exactly: ids where no flag can
 * be true; rows where one surely is; either (a union, as at run time) where a flag is a `boolean`.
 */
export type QueryOutput<O, Meta = Metadata> = [Flag<O, 'includeValue'>] extends [true]
  ? QueryRow<O, Meta>[]
  : [Flag<O, 'includeSimilarity'>] extends [true]
    ? QueryRow<O, Meta>[]
    : [Flag<O, 'includeVector'>] extends [true]
      ? QueryRow<O, Meta>[]
      : [Flag<O, 'includeMetadata'>] extends [true]
        ? QueryRow<O, Meta>[]
        : true extends Flags<O>
          ? string[] | QueryRow<O, Meta>[]
          : string[]

/**
 * A metadata filter: `{ year: { $gt: 2000 } }`, `{ $or: [...] }`, checked when used (any keys and
 * values on an untyped collection: `FilterError` says what is wrong). On a typed collection (`getOrCreateCollection<Meta>`) keys are `Meta`'s and each operator takes the key's
 * value type: `$gt` and the other comparisons its numbers or strings, `$in` its scalars,
 * `$contains` the elements of its arrays.
 */
export type Filter<Meta = Metadata> = string extends keyof Meta
  ? { readonly [key: string]: unknown }
  : {
      readonly [K in keyof Meta & string]?: FieldCondition<Exclude<Meta[K], undefined>>
    } & {
      readonly $and?: readonly Filter<Meta>[]
      readonly $or?: readonly Filter<Meta>[]
    }

type FilterScalar = string | number | bigint | boolean

/** The conditions on one key whose values are `V`: a value (equality) or operators. */
export type FieldCondition<V> =
  | V
  | {
      readonly $eq?: V
      readonly $ne?: V
      readonly $gt?: Extract<V, string | number | bigint>
      readonly $gte?: Extract<V, string | number | bigint>
      readonly $lt?: Extract<V, string | number | bigint>
      readonly $lte?: Extract<V, string | number | bigint>
      readonly $in?: readonly Extract<V, FilterScalar>[]
      readonly $nin?: readonly Extract<V, FilterScalar>[]
      readonly $contains?: V extends readonly (infer E)[] ? Extract<E, FilterScalar> : never
      readonly $exists?: boolean
    }
