/**
 * The seed's experiment at scale: one collection searched exactly, then through IVFFlat, HNSW and
 * quantized HNSW as vecs builds them by default (each tuned to recall@10 0.95; `--untuned` for
 * the fixed rules), reporting the build (index, then tuning, apart), the maintenance_work_mem vecs
 * asked for it, the index size, p50/p99, QPS and recall@10 of held-out queries against exact
 * search. Sets: all of GloVe-100 (`glove`, 317,730 words, held-out words as queries), the
 * embedded Webster passages (`passages`, 512 dimensions; bench/passages.ts), two-word GloVe
 * phrases (`phrases`, any size, 100 dimensions: the 1M-row point with real neighbourhoods), or
 * seeded random vectors (`random`, any size, no neighbourhoods). A server (VECS_BENCH_DATABASE_URL); PGlite too
 * with `--pglite`.
 *
 * npx tsx bench/scale.ts [--set glove|passages|phrases|random] [--rows N] [--dimension D] [--queries 200]
 *   [--only 'IVFFlat,HNSW,HNSW halfvec,HNSW binary']
 */
import { parseArgs } from 'node:util'
import { type Client, type Collection, type CreateIndexOptions } from '../src/index.js'
import { estimateBuildBytes, storedKey } from '../src/vector-index/memory.js'
import { IndexArgsHNSW, defaultLists } from '../src/vector-index/args.js'
import { percentile, random } from './data.js'
import { glovePhrases, heldOutSplit, loadAllGlove } from './glove-full.js'
import { heldOutPassages } from './passages.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { onEachBackend } from './targets.js'

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'glove' },
    rows: { type: 'string', default: '1000000' },
    dimension: { type: 'string', default: '100' },
    queries: { type: 'string', default: '200' },
    pglite: { type: 'boolean', default: false },
    untuned: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
})
const ALL_ROUNDS: { label: string; options: CreateIndexOptions | null }[] = [
  { label: 'exact (no index)', options: null },
  { label: 'IVFFlat', options: { method: 'ivfflat' } },
  { label: 'HNSW', options: { method: 'hnsw' } },
  { label: 'HNSW halfvec', options: { method: 'hnsw', quantization: 'halfvec' } },
  { label: 'HNSW binary', options: { method: 'hnsw', quantization: 'binary' } },
]
/** `--only exact,IVFFlat,HNSW`: the rounds to run (exact always runs: it is the ground truth). */
const only = values.only?.split(',').map((label) => label.trim().toLowerCase())
const ROUNDS = ALL_ROUNDS.filter(
  (r) => only === undefined || r.options === null || only.includes(r.label.toLowerCase()),
)

const data = loadSet()
const report: ReportRow[] = []
await onEachBackend('vecs_bench_scale', values.pglite === true, measure)
saveReport(`scale-${data.name}`, report)

async function measure(backend: string, vx: Client): Promise<void> {
  const name = `scale_${data.name.replace(/\W/g, '_')}`
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: data.dimension })
  let started = performance.now()
  await c.upsert(data.rows.map((r, i) => [`r${i}`, r]))
  log(`${backend}: loaded ${data.rows.length} × ${data.dimension} in ${seconds(started)} s`)
  const truth: string[][] = []
  for (const q of data.queries) truth.push(await c.query({ data: q, limit: 10, exact: true }))
  let exactQps = 0
  for (const round_ of ROUNDS) {
    let buildS: number | null = null
    let tuneS: number | null = null
    if (round_.options !== null) {
      started = performance.now()
      await c.createIndex({ ...round_.options, targetRecall: null })
      buildS = seconds(started)
      if (!values.untuned) {
        started = performance.now()
        await c.tune({ targetRecall: 0.95 })
        tuneS = seconds(started)
      }
    }
    const stats = await c.stats()
    const m = await queries(c, round_.options === null, truth)
    if (round_.options === null) exactQps = m.qps
    report.push({
      backend,
      set: data.name,
      search: round_.label,
      'build s': buildS,
      'tune s': tuneS,
      'build memory MB': round_.options === null ? null : buildMemoryMb(round_.options),
      'index MB':
        stats.vectorIndexBytes === null ? null : round(stats.vectorIndexBytes / 2 ** 20, 1),
      setting: stats.tuning === null ? 'rule' : `${stats.tuning.setting} ${stats.tuning.value}`,
      'p50 ms': round(m.p50, 2),
      'p99 ms': round(m.p99, 2),
      QPS: round(m.qps, 1),
      'QPS ÷ exact': round(m.qps / exactQps, 1),
      'recall@10': round(m.recall),
    })
    log(JSON.stringify(report.at(-1)))
  }
  await vx.deleteCollection(name)
}

/** What vecs' estimate asks of maintenance_work_mem for the build (before the server's floor). */
function buildMemoryMb(options: CreateIndexOptions): number {
  const rows = data.rows.length
  const args =
    options.method === 'ivfflat'
      ? { method: 'ivfflat' as const, nLists: defaultLists(rows) }
      : IndexArgsHNSW()
  const stored = storedKey('vector', options.quantization ?? 'none')
  return round(estimateBuildBytes({ rows, dimension: data.dimension, stored, args }) / 2 ** 20, 0)
}

async function queries(c: Collection, exact: boolean, truth: string[][]) {
  const some = data.queries.slice(0, 20)
  for (const q of some) await c.query({ data: q, limit: 10, exact })
  const ms: number[] = []
  let found = 0
  for (const [i, q] of data.queries.entries()) {
    const start = performance.now()
    const ids = await c.query({ data: q, limit: 10, exact })
    ms.push(performance.now() - start)
    const expected = new Set(truth[i])
    found += ids.filter((id) => expected.has(id)).length
  }
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length
  return {
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    qps: 1000 / mean,
    recall: found / (10 * data.queries.length),
  }
}

function loadSet(): {
  name: string
  dimension: number
  rows: Float32Array[]
  queries: Float32Array[]
} {
  const count = Number(values.queries)
  if (values.set === 'glove') {
    const split = heldOutSplit(loadAllGlove(), Number.MAX_SAFE_INTEGER, count)
    return {
      name: 'glove-100',
      dimension: 100,
      rows: split.rows.map((r) => r.vector),
      queries: split.queries,
    }
  }
  if (values.set === 'passages') {
    const rows = Number(values.rows)
    const set = heldOutPassages(rows, count)
    return {
      name: `passages-${rows}`,
      dimension: set.dimension,
      rows: set.rows.map((r) => r.vector),
      queries: set.queries,
    }
  }
  if (values.set === 'phrases') {
    const rows = Number(values.rows)
    const all = glovePhrases(loadAllGlove(), rows + count)
    return {
      name: `phrases-${rows}`,
      dimension: 100,
      rows: all.slice(count),
      queries: all.slice(0, count),
    }
  }
  const rows = Number(values.rows)
  const dimension = Number(values.dimension)
  const all = random(rows + count, dimension, 7).vectors
  return {
    name: `random-${rows}x${dimension}`,
    dimension,
    rows: all.slice(count),
    queries: all.slice(0, count),
  }
}

function seconds(since: number): number {
  return round((performance.now() - since) / 1000, 1)
}
