import type { ErrorCode } from '../index.js'

/**
 * Exit codes by error code, so scripts can tell a missing collection from a bad argument. Every
 * library code has its row (the compiler checks it against ERROR_CODES); `VECS_USAGE` is the
 * command line's own. Anything unexpected exits 1.
 */
export const EXIT_CODES = {
  VECS_ERROR: 1,
  VECS_ARG: 2,
  VECS_DIMENSION: 2,
  VECS_FILTER: 2,
  VECS_USAGE: 2,
  VECS_COLLECTION_NOT_FOUND: 3,
  VECS_COLLECTION_EXISTS: 4,
  VECS_EXTENSION_UNAVAILABLE: 5,
  VECS_MISSING_DEPENDENCY: 6,
  VECS_LOCKED: 7,
  VECS_UNREPRESENTABLE: 8,
  VECS_CONNECTION_LOST: 9,
  VECS_STORAGE_FULL: 10,
  VECS_DATABASE_DAMAGED: 11,
  VECS_CONNECTION_REJECTED: 12,
} as const satisfies Record<ErrorCode | 'VECS_USAGE', number>

export function exitCodeOf(code: ErrorCode): number {
  return EXIT_CODES[code]
}
