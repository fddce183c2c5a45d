import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { MissingDependency } from '../index.js'

/**
 * The GloVe-100 subset `vecs demo` searches: the 25,000 most frequent lowercase words. It is a
 * package of its own (`vecs-demo-data`, this repository's data/), so that the 10 MB of vectors
 * reach only those who run the demo, not every install of vecs.
 */
export interface Glove {
  readonly words: readonly string[]
  readonly dimension: number
  vector(i: number): Float32Array
}

const DIMENSION = 100

export async function loadGlove(): Promise<Glove> {
  const DATA = demoData()
  const [text, bytes] = await Promise.all([
    readFile(new URL('glove-100d-25k.words.txt', DATA), 'utf8'),
    readFile(new URL('glove-100d-25k.f32', DATA)),
  ])
  const words = text.split('\n').filter((w) => w !== '')
  // Copied into its own buffer: the file's bytes need not be aligned for a Float32Array.
  const values = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
  )
  if (values.length !== words.length * DIMENSION)
    throw new Error('data/glove-100d-25k: words and vectors disagree')
  return {
    words,
    dimension: DIMENSION,
    vector: (i) => values.subarray(i * DIMENSION, (i + 1) * DIMENSION),
  }
}

/** Where `vecs-demo-data` is installed, or MissingDependency with the command that installs it. */
function demoData(): URL {
  try {
    const manifest = createRequire(import.meta.url).resolve('vecs-demo-data/package.json')
    return new URL('./', pathToFileURL(manifest))
  } catch (error) {
    throw new MissingDependency(
      'vecs demo searches word vectors of a package of their own (10 MB): npm install vecs-demo-data',
      { cause: error },
    )
  }
}

/** The exact k nearest by cosine distance, computed here, independently of the database. */
export function exactCosine(
  stored: readonly Float32Array[],
  ids: readonly string[],
  query: Float32Array,
  k: number,
): string[] {
  const q = normalized(query)
  const scored = stored.map((v, i) => ({ id: ids[i] as string, similarity: dot(q, v) }))
  scored.sort((a, b) => b.similarity - a.similarity)
  return scored.slice(0, k).map((s) => s.id)
}

export function normalized(v: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(v, v)) || 1
  return v.map((x) => x / norm)
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number)
  return sum
}
