/**
 * Exit codes by error code, so scripts can tell a missing collection from a bad argument.
 * Anything unexpected exits 1.
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
} as const

export function exitCodeOf(code: string | undefined): number {
  return (EXIT_CODES as Record<string, number>)[code ?? ''] ?? 1
}
