import type { Queryable } from '../backend/backend.js'
import { typedDriverError } from '../backend/driver-errors.js'
import { CollectionNotFound, MismatchedDimension, VecsError } from '../errors.js'
import { compile, type CompiledQuery, type Fragment } from './fragment.js'

/** Runs a fragment on a backend or transaction; driver errors that vecs can explain better are wrapped. */
export function execute<R = Record<string, unknown>>(
  db: Queryable,
  fragment: Fragment,
): Promise<R[]> {
  return executeCompiled<R>(db, compile(fragment))
}

/** `execute` for a statement compiled already (from a template, say). */
export async function executeCompiled<R = Record<string, unknown>>(
  db: Queryable,
  { text, values }: CompiledQuery,
): Promise<R[]> {
  try {
    return await db.query<R>(text, values)
  } catch (error) {
    throw translateDriverError(error)
  }
}

/** Runs a COPY … FROM fragment (no parameters) with `data` as its binary input. */
export async function copyIn(
  db: Queryable,
  fragment: Fragment,
  data: readonly Uint8Array[],
): Promise<void> {
  const { text } = compile(fragment)
  try {
    await db.copyFrom(text, data)
  } catch (error) {
    throw translateDriverError(error)
  }
}

/**
 * pgvector's "expected 3 dimensions, not 2" becomes `MismatchedDimension`; a lost connection, a full
 * disk or damaged files become `ConnectionLost`, `StorageFull` or `DatabaseDamaged` (backends
 * type those already; this covers a backend that does not); other driver errors pass through
 * unchanged. The original is kept as `cause`.
 */
export function translateDriverError(error: unknown): unknown {
  if (error instanceof VecsError || !(error instanceof Error)) return error
  const dims = /expected (\d+) dimensions, not (\d+)/.exec(error.message)
  if (dims) {
    return new MismatchedDimension(`expected a vector of ${dims[1]} dimensions, got ${dims[2]}`, {
      cause: error,
    })
  }
  // vecs' statements name no relation but its collections' tables (and the catalogs): one that is
  // missing is a collection deleted since this Collection was had.
  if ((error as { code?: unknown }).code === '42P01') {
    return new CollectionNotFound(
      `the collection's table is gone (${error.message}): the collection was deleted, by ` +
        'deleteCollection or another client; create it again, or get another collection',
      { cause: error },
    )
  }
  return typedDriverError(error)
}
