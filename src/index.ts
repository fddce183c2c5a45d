export { createClient } from './connect.js'
export type { ClientOptions } from './connect.js'
export type { ReplicaStatus } from './backend/replicas.js'
export { Client } from './client.js'
export type { CollectionOptions } from './client.js'
export type { MetadataSchema } from './records/metadata-schema.js'
export { Collection } from './collection.js'
export type { CollectionStats } from './stats.js'
export type { DistributedOptions } from './distribution.js'
export type { FusionOptions, Ranking, TextIndexInfo, TextIndexOptions } from './text-types.js'
export type { Advice } from './vector-index/advice.js'
export { Adapter, ADAPTER_CONTEXTS } from './adapter/adapter.js'
export type { AdapterContext, AdapterRecord, AdapterStep } from './adapter/adapter.js'
export { NoOp } from './adapter/noop.js'
export { ParagraphChunker } from './adapter/paragraph-chunker.js'
export type { ParagraphChunkerOptions } from './adapter/paragraph-chunker.js'
export { MarkdownChunker } from './adapter/markdown-chunker.js'
export type { MarkdownChunkerOptions } from './adapter/markdown-chunker.js'
export { TextEmbedding } from './adapter/text-embedding.js'
export type { TextEmbeddingOptions } from './adapter/text-embedding.js'
export { TEXT_MODELS } from './adapter/text-models.js'
export type { TextEmbeddingModel } from './adapter/text-models.js'
export {
  VecsError,
  ArgError,
  MismatchedDimension,
  FilterError,
  CollectionNotFound,
  CollectionAlreadyExists,
  ExtensionUnavailable,
  MissingDependency,
  DatabaseLocked,
  UnrepresentableValue,
  ConnectionLost,
  ConnectionRejected,
  StorageFull,
  DatabaseDamaged,
  ERROR_CODES,
} from './errors.js'
export type { ErrorCode } from './errors.js'
export { IndexArgsHNSW, IndexArgsIVFFlat } from './vector-index/args.js'
export type { IndexArgs } from './vector-index/args.js'
export type { IndexInfo, IndexTuning } from './vector-index/read.js'
export type { TuneOptions } from './tuning/tune-options.js'
export type { CreateIndexOptions } from './vector-index/index-options.js'
export type { IndexProgress } from './vector-index/progress.js'
export { WARNING_CODES } from './warnings.js'
export type { WarningCode } from './warnings.js'
export {
  IndexMeasure,
  IndexMethod,
  INDEX_METHODS,
  MEASURES,
  QUANTIZATIONS,
  VECTOR_TYPES,
} from './types.js'
export type {
  CountOptions,
  FetchedRecord,
  FieldCondition,
  Filter,
  JsonValue,
  ListOptions,
  ScanOptions,
  Measure,
  Metadata,
  Page,
  QueryOptions,
  QueryOutput,
  QueryResult,
  QueryRow,
  Quantization,
  RecordObject,
  RecordTuple,
  UpdateMetadataOptions,
  UpsertInput,
  UpsertOptions,
  UpsertRecord,
  Vector,
  VectorType,
} from './types.js'
export type { QueryManyOptions } from './query/query-many.js'
export type { Location } from './backend/open.js'
export type {
  BackendKind,
  PGliteLike,
  PGliteTransactionLike,
  PgPoolLike,
  TransactionHandle,
} from './backend/backend.js'
