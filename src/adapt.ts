import type { Adapter } from './adapter/adapter.js'
import { ArgError } from './errors.js'
import { batchesOf, recordParts } from './records.js'
import type { UpsertInput, UpsertRecord } from './types.js'

/** Records read at a time from the user's input before they enter the adapter. */
const READ_BATCH = 500

/**
 * Upsert records through a collection's adapter: media in, `[id, vector, metadata]` out, lazily,
 * so a large input streams through chunking and embedding into the usual batched write.
 */
export async function* adaptRecords(
  adapter: Adapter<unknown>,
  records: UpsertInput<unknown>,
): AsyncGenerator<UpsertRecord<unknown>> {
  yield* adapter.run(mediaRecords(records), 'upsert')
}

/** A query's data through a collection's adapter: exactly one vector, else `ArgError`. */
export async function adaptQuery(adapter: Adapter<unknown>, data: unknown): Promise<unknown> {
  const vectors: unknown[] = []
  for await (const [, vector] of adapter.run([['', data, {}]], 'query')) {
    vectors.push(vector)
    if (vectors.length > 1) break
  }
  if (vectors.length !== 1) {
    const got = vectors.length === 0 ? 'no vector' : 'more than one vector'
    throw new ArgError(
      `the collection's adapter turned the query data into ${got}; a query needs exactly one ` +
        '(use a chunker with skipDuringQuery: true)',
    )
  }
  return vectors[0]
}

async function* mediaRecords(records: UpsertInput<unknown>) {
  for await (const batch of batchesOf(records, READ_BATCH)) {
    for (const record of batch) {
      const { id, media, metadata } = recordParts(record)
      yield [id, media, metadata] as const
    }
  }
}
