export { createClient, Client } from './client.js'
export type { ClientOptions, CollectionOptions } from './client.js'
export { Collection } from './collection.js'
export type { Advice, CollectionStats } from './stats.js'
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
} from './errors.js'
export { IndexArgsHNSW, IndexArgsIVFFlat } from './index/args.js'
export type { IndexArgs } from './index/args.js'
export type { IndexInfo } from './index/describe.js'
export type { CreateIndexOptions } from './index/options.js'
export type { IndexProgress } from './index/progress.js'
export { WARNING_CODES } from './warnings.js'
export type { WarningCode } from './warnings.js'
export { IndexMeasure, IndexMethod, INDEX_METHODS, MEASURES, VECTOR_TYPES } from './types.js'
export type {
  FetchedRecord,
  Filter,
  JsonValue,
  Measure,
  Metadata,
  QueryOptions,
  QueryResult,
  RecordObject,
  RecordTuple,
  UpsertInput,
  UpsertOptions,
  UpsertRecord,
  Vector,
  VectorType,
} from './types.js'
export type { Location } from './backend/open.js'
export type { BackendKind, PGliteLike, PgPoolLike } from './backend/backend.js'
