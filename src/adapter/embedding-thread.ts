import { Worker } from 'node:worker_threads'
import { MissingDependency, VecsError } from '../errors.js'
import type { EmbedReply, EmbedRequest, EmbeddingWorkerData } from './embedding-worker.js'
import { installCommand, type TextEmbeddingModel } from './text-models.js'

/** A worker with nothing to do is stopped after this long, to give back the model's memory. */
const IDLE_MS = 30_000

/** Plain JavaScript next to this module, in `src/adapter/` and in `dist/adapter/` alike. */
const WORKER_URL = new URL('./embedding-worker.js', import.meta.url)

const threads = new Map<TextEmbeddingModel, EmbeddingThread>()

/** The one embedding thread of `model` in this process, shared by every `TextEmbedding` of it. */
export function embeddingThread(model: TextEmbeddingModel): EmbeddingThread {
  let thread = threads.get(model)
  if (thread === undefined) {
    thread = new EmbeddingThread(model)
    threads.set(model, thread)
  }
  return thread
}

interface Pending {
  resolve(vectors: Float32Array): void
  reject(error: Error): void
}

/**
 * The main-thread side of `embedding-worker`: starts the worker on first use, keeps the process
 * alive only while a request is pending (an idle worker is unref'd, then stopped), and turns the
 * worker's failures into vecs errors.
 */
export class EmbeddingThread {
  readonly model: TextEmbeddingModel
  #worker: Worker | null = null
  #pending = new Map<number, Pending>()
  #nextId = 0
  #idle: NodeJS.Timeout | undefined

  constructor(model: TextEmbeddingModel) {
    this.model = model
  }

  /** Unit-length vectors of `texts`, back to back. No texts: just loads the model. */
  embed(texts: readonly string[]): Promise<Float32Array> {
    const worker = this.#start()
    clearTimeout(this.#idle)
    if (this.#pending.size === 0) worker.ref()
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      worker.postMessage({ id, texts } satisfies EmbedRequest)
    })
  }

  #start(): Worker {
    if (this.#worker !== null) return this.#worker
    const workerData: EmbeddingWorkerData = { model: this.model }
    const worker = new Worker(WORKER_URL, { workerData })
    worker.on('message', (reply: EmbedReply) => this.#settle(reply))
    worker.on('error', (error) => this.#failAll(worker, error))
    worker.on('exit', (code) =>
      this.#failAll(worker, new Error(`the embedding worker exited with code ${code}`)),
    )
    worker.unref()
    this.#worker = worker
    return worker
  }

  #settle(reply: EmbedReply): void {
    const pending = this.#pending.get(reply.id)
    if (pending === undefined) return
    this.#pending.delete(reply.id)
    if ('vectors' in reply) pending.resolve(reply.vectors)
    else pending.reject(this.#error(reply.error, reply.missingModule))
    if (this.#pending.size === 0) this.#rest()
  }

  /** Nothing pending: let the process exit, and stop the worker if it stays idle. */
  #rest(): void {
    const worker = this.#worker
    worker?.unref()
    this.#idle = setTimeout(() => {
      if (this.#worker === worker) this.#worker = null
      void worker?.terminate()
    }, IDLE_MS).unref()
  }

  #failAll(worker: Worker, cause: Error): void {
    if (this.#worker !== worker) return
    this.#worker = null
    const error = this.#error(cause.message, false)
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }

  #error(message: string, missingModule: boolean): Error {
    if (missingModule) {
      return new MissingDependency(
        `TextEmbedding model "${this.model}" needs packages that are not installed. ` +
          `Install them with: ${installCommand(this.model)}`,
        { cause: new Error(message) },
      )
    }
    return new VecsError(`embedding with "${this.model}" failed: ${message}`)
  }
}
