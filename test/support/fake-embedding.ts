import {
  ArgError,
  type AdapterContext,
  type AdapterRecord,
  type AdapterStep,
} from '../../src/index.js'

/**
 * A deterministic 3-dimensional stand-in for a text embedding: how often a text says "cat", "dog"
 * and "fish", plus 0.1 so no vector is zero. Records the contexts it ran in; anything but text → `ArgError`.
 */
export class FakeEmbedding implements AdapterStep {
  readonly exportedDimension = 3
  readonly contexts: AdapterContext[] = []

  async *run(
    records: AsyncIterable<AdapterRecord>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    this.contexts.push(context)
    for await (const [id, text, metadata] of records) {
      if (typeof text !== 'string') throw new ArgError('FakeEmbedding takes text')
      yield [id, fakeVector(text), metadata]
    }
  }
}

/** The fake embedding of `text`. */
export function fakeVector(text: string): number[] {
  const count = (word: string) => text.toLowerCase().split(word).length - 1
  return [count('cat') + 0.1, count('dog') + 0.1, count('fish') + 0.1]
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

/** An async iterable of `items`, for steps that take one. */
export async function* stream<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items
}
