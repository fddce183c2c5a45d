import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const DIMENSIONS = 100
const base = fileURLToPath(new URL('../../data/glove-100d-25k', import.meta.url))

/** The first `n` words of the GloVe-100 subset in data/ (most frequent first) and their vectors. */
export function loadGlove(n: number): { words: string[]; vectors: number[][] } {
  const words = readFileSync(`${base}.words.txt`, 'utf8').split('\n').slice(0, n)
  const bytes = readFileSync(`${base}.f32`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const vectors = words.map((_, i) =>
    Array.from({ length: DIMENSIONS }, (_, d) => view.getFloat32((i * DIMENSIONS + d) * 4, true)),
  )
  return { words, vectors }
}
