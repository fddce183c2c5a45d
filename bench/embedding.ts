/**
 * TextEmbedding throughput on this machine: cold model load (worker start, package import, weights),
 * passages per second at several batch sizes and sentences per second (medians of three rounds),
 * and text upserted end to end through ParagraphChunker + TextEmbedding into an embedded
 * collection. Writes JSON to bench/results/.
 *
 * npx tsx bench/embedding.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { Adapter, createClient, ParagraphChunker, TextEmbedding } from '../src/index.js'
import type { AdapterRecord } from '../src/index.js'
import { median } from './data.js'

const PASSAGES = 128
const WORDS = 60
const SENTENCE_WORDS = 12
const ROUNDS = 3
const BATCH_SIZES = [8, 32, 64]

const loadStart = performance.now()
await new TextEmbedding().load()
const modelLoadSeconds = (performance.now() - loadStart) / 1000
log(`model load (cold): ${modelLoadSeconds.toFixed(2)} s`)

const passagesPerSec: Record<string, number> = {}
for (const batchSize of BATCH_SIZES) {
  passagesPerSec[batchSize] = await rate(batchSize, WORDS)
  log(
    `batchSize ${batchSize}: ${passagesPerSec[batchSize]?.toFixed(1)} passages/s of ${WORDS} words`,
  )
}
const sentencesPerSec = await rate(32, SENTENCE_WORDS)
log(`batchSize 32: ${sentencesPerSec.toFixed(1)} sentences/s of ${SENTENCE_WORDS} words`)
const upsertPassagesPerSec = await upsertEndToEnd()
log(
  `upsert via ParagraphChunker + TextEmbedding (PGlite): ${upsertPassagesPerSec.toFixed(1)} passages/s`,
)

const result = {
  model: new TextEmbedding().model,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  modelLoadSeconds,
  wordsPerPassage: WORDS,
  passagesPerSec,
  wordsPerSentence: SENTENCE_WORDS,
  sentencesPerSec,
  upsertPassagesPerSec,
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const file = new URL(`./results/${stamp}-embedding.json`, import.meta.url)
writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
log(`wrote ${file.pathname}`)

/** Passages of `words` words embedded per second at `batchSize`: median of ROUNDS rounds. */
async function rate(batchSize: number, words: number): Promise<number> {
  const seconds: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const records = passages(PASSAGES, round + 1, words).map((text, i): AdapterRecord<string> => [
      `p${i}`,
      text,
      {},
    ])
    const adapter = new Adapter([new TextEmbedding({ batchSize })])
    const start = performance.now()
    for await (const _ of adapter.run(records, 'upsert'));
    seconds.push((performance.now() - start) / 1000)
  }
  return PASSAGES / median(seconds)
}

/** Documents of four paragraphs each, upserted as text; paragraphs per second. */
async function upsertEndToEnd(): Promise<number> {
  const vx = await createClient()
  try {
    const docs = await vx.getOrCreateCollection('passages', {
      adapter: new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new TextEmbedding()]),
    })
    const texts = passages(PASSAGES, 99)
    const documents = Array.from({ length: PASSAGES / 4 }, (_, i): [string, string] => [
      `doc${i}`,
      texts.slice(i * 4, i * 4 + 4).join('\n\n'),
    ])
    const start = performance.now()
    await docs.upsert(documents)
    const seconds = (performance.now() - start) / 1000
    if ((await docs.count()) !== PASSAGES) throw new Error('not every paragraph was stored')
    return PASSAGES / seconds
  } finally {
    await vx.disconnect()
  }
}

/** `n` seeded pseudo-English passages of `length` words (60: a typical paragraph). */
function passages(n: number, seed: number, length = WORDS): string[] {
  const words = (
    'the a of and to in is was for on that with as by at from it be this which are or have an ' +
    'cat dog river city market bank water garden music history science winter summer engine ' +
    'people children teacher doctor village mountain island ocean forest language computer ' +
    'grows builds reads carries finds changes opens measures travels explains remembers ' +
    'quickly slowly early late often never together alone bright quiet heavy ancient modern'
  ).split(' ')
  let state = seed
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
  return Array.from(
    { length: n },
    () => Array.from({ length }, () => words[Math.floor(next() * words.length)]).join(' ') + '.',
  )
}

function log(line: string): void {
  process.stderr.write(line + '\n')
}
