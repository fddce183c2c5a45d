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
