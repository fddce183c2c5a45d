import type { Adapter } from '../adapter/adapter.js'
import { ArgError } from '../errors.js'

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

/** A query's data past the adapter (or with none): a vector, never text, which needs an adapter. */
export function vectorData(name: string, adapter: unknown, data: unknown): unknown {
  if (adapter === null && typeof data === 'string') {
    throw new ArgError(
      `collection "${name}" has no adapter: query data must be a vector ` +
        '(create the collection with { adapter } to query by text)',
    )
  }
  return data
}
