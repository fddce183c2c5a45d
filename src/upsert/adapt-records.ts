import type { Adapter } from '../adapter/adapter.js'
import { batchesOf } from '../batches.js'
import { recordParts } from '../records/parts.js'
import type { UpsertInput, UpsertRecord } from '../types.js'

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

async function* mediaRecords(records: UpsertInput<unknown>) {
  for await (const batch of batchesOf(records, READ_BATCH)) {
    for (const record of batch) {
      const { id, media, metadata } = recordParts(record)
      yield [id, media, metadata] as const
    }
  }
}
