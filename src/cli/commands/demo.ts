import { ArgError, type Client, type Collection, type RecordTuple } from '../../index.js'
import { defineCommand, integer } from '../command.js'
import { printJson, say, shownDb, withClient, type Context } from '../context.js'
import { exactCosine, loadGlove, normalized, type Glove } from '../glove.js'
import { measureQueries, scanOf, type Measured } from '../measure.js'
import { startProgress } from '../progress-bar.js'
import { formatCount, formatMs, formatSeconds, formatTable } from '../format.js'

interface Options {
  collection: string
  queries: number
  rows?: number
}

const K = 10
const LOOKUPS = ['king', 'paris', 'computer']

export const demo = defineCommand<Options>({
  name: 'demo',
  summary: 'the index experiment on real data: exact search vs IVFFlat vs HNSW on GloVe-100 words',
  options: [
    {
      flags: '--collection <name>',
      description: 'collection to (re)create for the demo',
      default: 'glove_demo',
    },
    {
      flags: '--queries <n>',
      description: 'query words held out of the collection, 10..1000',
      parse: integer,
      default: 200,
    },
    {
      flags: '--rows <n>',
      description:
        'the most frequent n words only, 1000..25000 (default: all 25,000), for a quicker run',
      parse: integer,
    },
  ],
  examples: [
    'vecs demo',
    'vecs demo --db memory:// --rows 5000',
    'vecs --db postgres://localhost/db demo',
  ],
  async run(ctx, _args, o) {
    if (o.queries < 10 || o.queries > 1000) throw new ArgError('--queries must be from 10 to 1000')
    if (o.rows !== undefined && (o.rows < 1000 || o.rows > 25_000))
      throw new ArgError('--rows must be from 1000 to 25000')
    const started = performance.now()
    const glove = firstWords(await loadGlove(), o.rows)
    const split = holdOut(glove, o.queries)
    say(
      ctx,
      `GloVe-100: ${formatCount(split.stored.length)} words stored, ${split.queries.length} held out as queries, recall@${K} against exact cosine search computed here`,
    )
    const truth = split.queries.map((q) => exactCosine(split.storedVectors, split.stored, q, K))
    ctx.warnings.ignore('VECS_NO_COVERING_INDEX') // the first round has no index on purpose
    const report = await withClient(ctx, (vx) =>
      experiment(ctx, vx, o.collection, glove, split, truth),
    )
    const seconds = (performance.now() - started) / 1000
    printJson(ctx, { ...report, seconds })
    say(ctx)
    say(
      ctx,
      formatTable(
        ['search', 'build', 'p50', 'QPS', `recall@${K}`, 'plan'],
        report.rounds.map(roundRow),
      ),
    )
    say(ctx)
    for (const [word, nearest] of Object.entries(report.lookups))
      say(ctx, `${word.padEnd(9)} → ${nearest.join(', ')}`)
    say(ctx)
    say(
      ctx,
      `done in ${seconds.toFixed(1)} s. The collection "${o.collection}" stays in ${shownDb(ctx)}; next (with the same --db):`,
    )
    say(ctx, `  vecs info ${o.collection}`)
    say(ctx, `  vecs query ${o.collection} --id queen`)
    say(ctx, `  vecs bench ${o.collection} --plot recall.svg`)
  },
})

interface Split {
  stored: string[]
  storedVectors: Float32Array[]
  queries: Float32Array[]
}

/** The `rows` most frequent words (the file is in frequency order), or all of them. */
function firstWords(glove: Glove, rows: number | undefined): Glove {
  if (rows === undefined) return glove
  return { ...glove, words: glove.words.slice(0, rows), vector: (i) => glove.vector(i) }
}

/** Every n-th word (but the lookup words) is a query and is not stored. */
function holdOut(glove: Glove, count: number): Split {
  const every = Math.floor(glove.words.length / count)
  const split: Split = { stored: [], storedVectors: [], queries: [] }
  glove.words.forEach((word, i) => {
    const vector = glove.vector(i)
    if (i % every === every - 1 && split.queries.length < count && !LOOKUPS.includes(word))
      split.queries.push(vector)
    else {
      split.stored.push(word)
      split.storedVectors.push(normalized(vector))
    }
  })
  return split
}

interface Round extends Measured {
  search: string
  buildMs: number | null
  plan: string
}

async function experiment(
  ctx: Context,
  vx: Client,
  name: string,
  glove: Glove,
  split: Split,
  truth: string[][],
) {
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: glove.dimension })
  await load(ctx, c, glove, split)
  const rounds = [await round(c, 'exact (no index)', null, split.queries, truth)]
  for (const method of ['ivfflat', 'hnsw'] as const) {
    const buildMs = await build(ctx, c, method)
    const index = await c.getIndex()
    // The setting queries run with (explain() names it): as the build tuned it, else vecs' rule.
    const tuned = (await c.stats()).tuning === null ? '' : ' tuned'
    const plan = await c.explain({ data: split.queries[0] as Float32Array, limit: K })
    const setting = /(?:ef_search|probes) = (\d+)/.exec(plan)?.[1] ?? '?'
    const args =
      index?.method === 'hnsw'
        ? `m=${index.m}, ef_search=${setting}${tuned}`
        : `lists=${index?.nLists}, probes=${setting}${tuned}`
    rounds.push(await round(c, `${method} (${args})`, buildMs, split.queries, truth))
  }
  const lookups: Record<string, string[]> = {}
  for (const word of LOOKUPS) {
    const [record] = await c.fetch([word])
    if (record)
      lookups[word] = (await c.query({ data: record.vector, limit: 9 })).filter((w) => w !== word)
  }
  return {
    collection: name,
    rows: split.stored.length,
    queries: split.queries.length,
    k: K,
    rounds,
    lookups,
  }
}

async function load(ctx: Context, c: Collection, glove: Glove, split: Split): Promise<void> {
  const rank = new Map(glove.words.map((w, i) => [w, i]))
  const records: RecordTuple[] = split.stored.map((word) => {
    const i = rank.get(word) as number
    return [word, glove.vector(i), { rank: i, length: word.length }]
  })
  const progress = startProgress(ctx, 'loading words', records.length, { counted: true })
  const started = performance.now()
  await c.upsert(records, { onProgress: (rows) => progress.update(rows, rows) })
  progress.finish(
    `loaded ${formatCount(records.length)} words in ${formatSeconds(performance.now() - started)}`,
  )
}

async function build(ctx: Context, c: Collection, method: 'ivfflat' | 'hnsw'): Promise<number> {
  const progress = startProgress(ctx, `building ${method}`, 100)
  const started = performance.now()
  await c.createIndex({ method, onProgress: ({ percent }) => progress.update(percent ?? 0) })
  const ms = performance.now() - started
  progress.finish(`built ${method} in ${formatSeconds(ms)}`)
  return ms
}

async function round(
  c: Collection,
  search: string,
  buildMs: number | null,
  queries: Float32Array[],
  truth: string[][],
): Promise<Round> {
  const measured = await measureQueries(
    queries.map((q) => Array.from(q)),
    truth,
    (q) => c.query({ data: q, limit: K }),
  )
  const plan = scanOf(await c.explain({ data: queries[0] as Float32Array, limit: K }))
  return { search, buildMs, plan, ...measured }
}

function roundRow(r: Round): string[] {
  return [
    r.search,
    r.buildMs === null ? '—' : formatSeconds(r.buildMs),
    formatMs(r.p50Ms),
    formatCount(r.qps),
    r.recall.toFixed(3),
    r.plan,
  ]
}
