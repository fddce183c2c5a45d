import type { Queryable, SqlClient } from './backend.js'
import { typedCommitError, typedRejection } from './driver-errors.js'

/** How a backend feeds binary data to a COPY statement on one client. */
export type CopyFn = (client: SqlClient, text: string, data: readonly Uint8Array[]) => Promise<void>

/** A statement client seen as a `Queryable`; a lost connection or a full disk arrives typed. */
export function queryableOf(client: SqlClient, copy: CopyFn): Queryable {
  return {
    async query<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
      const result = await typedRejection(client.query(text, values as unknown[]))
      return result.rows as R[]
    },
    copyFrom: (text, data) => typedRejection(copy(client, text, data)),
  }
}

/**
 * BEGIN … COMMIT on one client, ROLLBACK when `fn` throws, and `fn`'s error is what the caller
 * sees: its statements' errors are typed by `queryableOf`, and an error of its own (say an
 * adapter's network error) is not the database's, so it stays as it is. Returns `broken: true`
 * when even the ROLLBACK failed: the connection is then in an unknown state and must be
 * discarded, not reused.
 */
export async function runTransaction<T>(
  client: SqlClient,
  copy: CopyFn,
  fn: (tx: Queryable) => Promise<T>,
  prelude = '',
): Promise<{ result: T } | { error: unknown; broken: boolean }> {
  try {
    // The prelude (parameterless SET LOCAL statements) rides with BEGIN: one round trip for both.
    await typedRejection(client.query(prelude === '' ? 'BEGIN' : `BEGIN; ${prelude}`))
    const result = await fn(queryableOf(client, copy))
    await client.query('COMMIT').catch((error: unknown) => {
      throw typedCommitError(error)
    })
    return { result }
  } catch (error) {
    const broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    )
    return { error, broken }
  }
}
