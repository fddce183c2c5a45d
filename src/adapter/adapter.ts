import { ArgError } from '../errors.js'
import type { Metadata } from '../types.js'

/** Where an adapter runs: on `collection.upsert` or on `collection.query`. */
export const ADAPTER_CONTEXTS = ['upsert', 'query'] as const
export type AdapterContext = (typeof ADAPTER_CONTEXTS)[number]

/** One record inside an adapter pipeline: `[id, media, metadata]`. */
export type AdapterRecord<M = unknown> = readonly [id: string, media: M, metadata: Metadata]

/**
 * One step of an adapter: turns a stream of records into another (chunks text, embeds it, …).
 * `exportedDimension` is the length of the vectors the step produces, if it produces vectors.
 *
 * @example
 * const upper: AdapterStep = {
 *   async *run(records) { for await (const [id, text, meta] of records) yield [id, String(text).toUpperCase(), meta] },
 * }
 */
export interface AdapterStep {
  readonly exportedDimension?: number | undefined
  run(records: AsyncIterable<AdapterRecord>, context: AdapterContext): AsyncIterable<AdapterRecord>
}

/**
 * A pipeline of steps that turns media (text, say) into vectors, as Python vecs' `Adapter`.
 * Give it to `getOrCreateCollection(name, { adapter })`; the collection then takes media in
 * `upsert` and `query`. `M` is the media the first step takes (text by default).
 *
 * @example
 * const adapter = new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new TextEmbedding()])
 * adapter.exportedDimension // 512
 */
export class Adapter<M = string> implements AdapterStep {
  readonly steps: readonly AdapterStep[]

  /** At least one step, else `ArgError`. */
  constructor(steps: readonly AdapterStep[]) {
    if (!Array.isArray(steps)) throw new ArgError('an Adapter takes an array of steps')
    if (steps.length < 1) throw new ArgError('an Adapter needs at least one step')
    steps.forEach(checkStep)
    this.steps = [...steps]
  }

  /** The dimension of the last step that exports one, or undefined. */
  get exportedDimension(): number | undefined {
    return this.steps.findLast((step) => step.exportedDimension !== undefined)?.exportedDimension
  }

  /**
   * Runs every step in order, lazily: records flow through one at a time (or in a step's batches).
   * Takes an async iterable, as every step does, or any iterable (an array) for convenience.
   */
  run(
    records: AsyncIterable<AdapterRecord<M>>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord>
  run(records: Iterable<AdapterRecord<M>>, context: AdapterContext): AsyncIterable<AdapterRecord>
  run(
    records: AsyncIterable<AdapterRecord<M>> | Iterable<AdapterRecord<M>>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    checkContext(context)
    let pipeline: AsyncIterable<AdapterRecord> = toAsync(records)
    for (const step of this.steps) pipeline = step.run(pipeline, context)
    return pipeline
  }
}

/** Checks an adapter context: `'upsert'` or `'query'`. */
export function checkContext(context: unknown): AdapterContext {
  if (!ADAPTER_CONTEXTS.includes(context as AdapterContext)) {
    throw new ArgError(`adapter context must be one of: ${ADAPTER_CONTEXTS.join(', ')}`)
  }
  return context as AdapterContext
}

/** Checks a step's `skipDuringQuery` option. */
export function checkSkipDuringQuery(options: unknown, step: string): boolean {
  const value: unknown =
    typeof options === 'object' && options !== null
      ? (options as { skipDuringQuery?: unknown }).skipDuringQuery
      : undefined
  if (typeof value !== 'boolean') {
    throw new ArgError(`${step} needs { skipDuringQuery: true | false }`)
  }
  return value
}

/** The text of a record that a text step was given; anything else → `ArgError`. */
export function textOf(record: AdapterRecord, step: string): string {
  const [id, media] = record
  if (typeof media !== 'string') {
    throw new ArgError(`${step} takes text: record "${id}" has media of type ${typeof media}`)
  }
  return media
}

/** `<id>_<kind>_000`: the ids Python vecs gives to chunks. */
export function chunkId(id: string, kind: 'para' | 'head', index: number): string {
  return `${id}_${kind}_${String(index).padStart(3, '0')}`
}

function checkStep(step: unknown, i: number): void {
  const ok =
    typeof step === 'object' &&
    step !== null &&
    typeof (step as { run?: unknown }).run === 'function'
  if (!ok) throw new ArgError(`adapter step ${i} is not an AdapterStep (it has no run method)`)
}

async function* toAsync<T>(records: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  if (typeof records !== 'object' || records === null) {
    throw new ArgError('adapter records must be an iterable or an async iterable')
  }
  yield* records
}
