import { VecsError } from '../errors.js'
import type { TextEmbeddingModel } from './text-models.js'

/**
 * The browser build's `embedding-thread`: the bundled model loads from Node's file system and runs
 * in a Node worker thread, neither of which a browser has, so `TextEmbedding` says so on first use.
 */
export function embeddingThread(model: TextEmbeddingModel): {
  embed(texts: readonly string[]): Promise<Float32Array>
} {
  return {
    embed: async () => {
      throw new VecsError(
        `TextEmbedding (${model}) runs its model in a Node.js worker thread, which a browser does not have: ` +
          "in a browser, embed with AiSdkEmbedding from 'vecs/ai' and a hosted model, or an adapter step of your own",
      )
    },
  }
}
