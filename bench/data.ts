import { loadGlove } from '../src/cli/glove.js'

export interface Dataset {
  readonly name: string
  readonly dimension: number
  readonly vectors: Float32Array[]
}

/** The first `n` GloVe-100 word vectors from data/ (real data), read as `vecs demo` reads them. */
export async function glove(n: number): Promise<Dataset> {
  const data = await loadGlove()
  const vectors = Array.from({ length: n }, (_, i) => data.vector(i).slice())
  return { name: 'glove-100', dimension: data.dimension, vectors }
}

/** `n` seeded random vectors of `dimension` values (1536: the size of common text embeddings). */
export function random(n: number, dimension: number, seed = 1): Dataset {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5
  }
  const vectors = Array.from({ length: n }, () => Float32Array.from({ length: dimension }, next))
  return { name: `random-${dimension}`, dimension, vectors }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}
