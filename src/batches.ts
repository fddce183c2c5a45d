import { ArgError } from './errors.js'

/**
 * Groups items into arrays of at most `size`: synchronously for arrays and iterables (no
 * microtask per item), with `for await` only for async iterables.
 */
export async function* batchesOf<T>(
  input: Iterable<T> | AsyncIterable<T>,
  size: number,
): AsyncGenerator<T[]> {
  if (!isIterable(input))
    throw new ArgError('records must be an array, an iterable or an async iterable')
  if (Symbol.iterator in input) {
    yield* syncBatches(input, size)
    return
  }
  yield* asyncBatches(input, size)
}

/** Groups an iterable (an array, say) into arrays of at most `size`, without awaiting. */
export function* syncBatches<T>(source: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = []
  for (const item of source) {
    batch.push(item)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

async function* asyncBatches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = []
  for await (const item of source) {
    batch.push(item)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** An array, iterable or async iterable (a bare string is iterable too: callers refuse it first). */
export function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  )
}
