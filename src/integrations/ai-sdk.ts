import { embedMany, type EmbeddingModel } from 'ai'
import type { AdapterContext, AdapterRecord, AdapterStep } from '../adapter/adapter.js'
import { textOf } from '../adapter/adapter.js'
import { checkTextKey, keepText } from '../adapter/text-key.js'
import { batchesOf } from '../batches.js'
import { checkInteger } from '../checks.js'
import { ArgError, VecsError } from '../errors.js'
import { checkDimension } from '../vector.js'

/** Options of `AiSdkEmbedding`. */
export interface AiSdkEmbeddingOptions {
  /** Any AI SDK embedding model: `openai.embedding('text-embedding-3-small')`, say. */
  model: EmbeddingModel
  /** The length of the model's vectors (the collection's dimension). */
  dimension: number
  /** Texts sent together, 1..2048. Default 100; the SDK splits further where a provider must. */
  batchSize?: number | undefined
  /** Requests the SDK may have in flight at once for one batch. Default: the SDK's. */
  maxParallelCalls?: number | undefined
  /** Retries of a failed request. Default: the SDK's (2). */
  maxRetries?: number | undefined
  /** Provider-specific options, passed to `embedMany` as they are. */
  providerOptions?: Parameters<typeof embedMany>[0]['providerOptions'] | undefined
  /**
   * Keep each text in the record's metadata under this key on upsert, for
   * `createTextIndex({ key })` and hybrid search. Default: not kept.
   */
  textKey?: string | undefined
}

/** What every `embedMany` call of a step passes beside the model and the texts. */
type EmbedCall = Omit<Parameters<typeof embedMany>[0], 'model' | 'values'>

/**
 * An adapter step that embeds text with any Vercel AI SDK embedding model through `embedMany`:
 * hosted providers (OpenAI, Google, Mistral, Cohere, Bedrock, …) work without vecs knowing them.
 * Records stream through in batches; each vector must have `dimension` numbers.
 *
 * @example
 * import { openai } from '@ai-sdk/openai'
 * import { AiSdkEmbedding } from 'vecs/ai'
 * const adapter = new Adapter([new AiSdkEmbedding({ model: openai.embedding('text-embedding-3-small'), dimension: 1536 })])
 */
export class AiSdkEmbedding implements AdapterStep {
  readonly model: EmbeddingModel
  readonly exportedDimension: number
  readonly batchSize: number
  readonly textKey: string | null
  readonly #call: EmbedCall

  constructor(options: AiSdkEmbeddingOptions) {
    if (typeof options !== 'object' || options === null || options.model === undefined)
      throw new ArgError('AiSdkEmbedding needs { model, dimension }: an AI SDK embedding model')
    this.model = options.model
    this.exportedDimension = checkDimension(options.dimension)
    this.batchSize = checkInteger('batchSize', options.batchSize ?? 100, { min: 1, max: 2048 })
    const call: EmbedCall = {}
    if (options.maxParallelCalls !== undefined)
      call.maxParallelCalls = checkInteger('maxParallelCalls', options.maxParallelCalls, {
        min: 1,
        max: 1000,
      })
    if (options.maxRetries !== undefined)
      call.maxRetries = checkInteger('maxRetries', options.maxRetries, { min: 0, max: 100 })
    if (options.providerOptions !== undefined) call.providerOptions = options.providerOptions
    this.#call = call
    this.textKey = checkTextKey(options.textKey)
  }

  async *run(
    records: AsyncIterable<AdapterRecord>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    for await (const batch of batchesOf(records, this.batchSize))
      yield* await this.#embed(batch, context)
  }

  async #embed(batch: AdapterRecord[], context: AdapterContext): Promise<AdapterRecord[]> {
    const values = batch.map((record) => textOf(record, 'AiSdkEmbedding'))
    const { embeddings } = await embedMany({ ...this.#call, model: this.model, values })
    const d = this.exportedDimension
    return batch.map(([id, , metadata], i) => {
      const vector = embeddings[i]
      if (vector?.length !== d) {
        throw new VecsError(
          `the embedding model returned ${vector?.length ?? 'no'} numbers for record "${id}", not ${d}`,
        )
      }
      return [id, Float32Array.from(vector), keepText(metadata, this.textKey, values[i]!, context)]
    })
  }
}
