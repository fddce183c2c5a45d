/**
 * Quantized indexes against full precision, on real data, in one run: the 512-dimension
 * retrieval set (Webster definitions embedded by the bundled sentence model, see
 * retrieval-set.ts; its query embeddings are the queries), 100,000 Webster passages (`--set
 * passages`, bench/passages.ts; held-out passages as queries), or all of GloVe-100 (`--set glove`,
 * held-out words as queries). For each index (HNSW at full precision, halfvec and binary; binary
 * HNSW at m 8; binary IVFFlat): the build time and the index size, then a sweep of the query
 * setting (`efSearch` for full and half precision, `rerank` for binary HNSW, whose ef_search
 * follows its candidates, `probes` and `rerank` for binary IVFFlat) with recall@10 against exact
 * search, p50, p99 and QPS (one query at a time). A second table takes, for each, the fastest
 * setting that reaches recall@10 0.95 and gives its QPS and index size as ratios to full
 * precision's. A server (VECS_BENCH_DATABASE_URL); PGlite too with `--pglite`.
 *
 * `--tune full,binary`: for each index named, the setting `tune()` chooses for 0.95 from its own
 * sample and from the held-out queries, each measured on the held-out queries.
 *
 * `--server-cgroup DIR --server-memory 192MB` limits a local server's memory while the queries run
 * (see server-memory.ts): what each index does once the full-precision one no longer fits.
 *
 * npx tsx bench/quantized.ts [--set retrieval|passages|glove] [--queries 500] [--pglite]
 *   [--tune LABELS] [--server-cgroup DIR --server-memory NMB]
 */
import { parseArgs } from 'node:util'
import {
  IndexArgsHNSW,
  type Client,
  type Collection,
  type CreateIndexOptions,
} from '../src/index.js'
import { percentile } from './data.js'
import { heldOutSplit, loadAllGlove } from './glove-full.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { onEachBackend } from './targets.js'
import { DEFAULT_SIZE } from './retrieval-build.js'
import { DIMENSION, readEmbeddedSet } from './retrieval-cache.js'
import { heldOutPassages } from './passages.js'
import { serverMemory } from './server-memory.js'

const PASSAGES = 100_000

const TARGET = 0.95

/** An index measured: how it is built, and the query settings swept over it. */
interface Variant {
  readonly label: string
  readonly build: CreateIndexOptions
  readonly sweep: readonly Record<string, number>[]
}

const each = (knob: string, values: number[]) => values.map((v) => ({ [knob]: v }))
const EF = [10, 20, 40, 80, 160, 320]
const RERANK = [1, 2, 4, 8, 12, 16, 32, 64]
const VARIANTS: readonly Variant[] = [
  { label: 'full', build: { method: 'hnsw' }, sweep: each('efSearch', EF) },
  {
    label: 'halfvec',
    build: { method: 'hnsw', quantization: 'halfvec' },
    sweep: each('efSearch', EF),
  },
  {
    label: 'binary',
    build: { method: 'hnsw', quantization: 'binary' },
    sweep: each('rerank', RERANK),
  },
  {
    // At 512 dimensions a node's links (2·m item pointers) outweigh its 64 bytes of bits.
    label: 'binary, m 8',
    build: { method: 'hnsw', quantization: 'binary', indexArguments: IndexArgsHNSW({ m: 8 }) },
    sweep: each('rerank', RERANK),
  },
  {
    label: 'binary IVFFlat',
    build: { method: 'ivfflat', quantization: 'binary' },
    sweep: [4, 8, 16, 32].flatMap((probes) => [8, 16, 32].map((rerank) => ({ probes, rerank }))),
  },
]

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'retrieval' },
    queries: { type: 'string', default: '500' },
    pglite: { type: 'boolean', default: false },
    'server-cgroup': { type: 'string' },
    'server-memory': { type: 'string' },
    tune: { type: 'string' },
  },
})
const data = loadSet(values.set as string, Number(values.queries))
const tuneLabels = values.tune?.split(',').map((label) => label.trim()) ?? []
const memory = serverMemory(values['server-cgroup'], values['server-memory'])
const sweep: ReportRow[] = []
const summary: ReportRow[] = []
const tuned: ReportRow[] = []
await onEachBackend('vecs_bench_quantized', values.pglite === true, measure)
const named =
  values['server-memory'] === undefined
    ? values.set
    : `${values.set}-server-${memory.label.replace(' ', '')}`
saveReport(`quantized-${named}`, sweep)
saveReport(`quantized-${named}-at-${TARGET}`, summary)
if (tuned.length > 0) saveReport(`quantized-${named}-tuned`, tuned)

interface Point {
  variant: string
  setting: string
  recall: number
  qps: number
  bytes: number
}

function settingText(s: Record<string, number>): string {
  return Object.entries(s)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
}

async function measure(backend: string, vx: Client): Promise<void> {
  const name = `${values.set}_${data.rows.length}`
  memory.lift()
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: data.dimension })
  await c.upsert(data.rows.map((r) => [r.id, r.vector]))
  log(`${backend}: loaded ${data.rows.length} × ${data.dimension}`)
  const truth = []
  for (const q of data.queries) truth.push(await c.query({ data: q, limit: 10, exact: true }))
  const points: Point[] = []
  for (const variant of VARIANTS) {
    memory.lift()
    const started = performance.now()
    await c.createIndex({ ...variant.build, targetRecall: null })
    const buildSeconds = (performance.now() - started) / 1000
    const bytes = (await c.stats()).vectorIndexBytes ?? 0
    memory.limit()
    for (const setting of variant.sweep) {
      const m = await sweepPoint(c, setting, truth)
      points.push({
        variant: variant.label,
        setting: settingText(setting),
        recall: m.recall,
        qps: m.qps,
        bytes,
      })
      sweep.push({
        backend,
        'server memory': memory.label,
        rows: data.rows.length,
        dimension: data.dimension,
        index: variant.label,
        'build s': round(buildSeconds, 1),
        'index MB': round(bytes / 2 ** 20, 1),
        setting: settingText(setting),
        'recall@10': round(m.recall),
        'p50 ms': round(m.p50, 2),
        'p99 ms': round(m.p99, 2),
        QPS: Math.round(m.qps),
      })
      log(JSON.stringify(sweep.at(-1)))
    }
    if (tuneLabels.includes(variant.label)) await tuneBoth(backend, c, variant.label, truth)
  }
  memory.lift()
  await vx.deleteCollection(name)
  const fastest = (label: string) =>
    points
      .filter((p) => p.variant === label && p.recall >= TARGET)
      .reduce<Point | null>((a, p) => (a === null || p.qps > a.qps ? p : a), null)
  const full = fastest('full')
  for (const variant of VARIANTS) {
    const p = fastest(variant.label)
    summary.push({
      backend,
      'server memory': memory.label,
      index: variant.label,
      [`fastest setting at recall ≥ ${TARGET}`]: p === null ? 'none reached' : p.setting,
      'recall@10': p === null ? null : round(p.recall),
      QPS: p === null ? null : Math.round(p.qps),
      'QPS ÷ full': p === null || full === null ? null : round(p.qps / full.qps, 2),
      'index MB': p === null ? null : round(p.bytes / 2 ** 20, 1),
      'index ÷ full': full === null || p === null ? null : round(p.bytes / full.bytes, 3),
    })
  }
}

/**
 * `--tune`: what `tune()` chooses for 0.95 from the queries it makes of stored rows, and from the
 * held-out queries themselves (its most faithful sample), each measured on the held-out queries.
 */
async function tuneBoth(backend: string, c: Collection, label: string, truth: string[][]) {
  memory.lift()
  for (const [source, queries] of [
    ['sampled rows', undefined],
    ['the held-out queries', data.queries],
  ] as const) {
    const started = performance.now()
    await c.tune({ targetRecall: TARGET, ...(queries === undefined ? {} : { queries }) })
    const seconds = (performance.now() - started) / 1000
    const t = (await c.stats()).tuning
    memory.limit()
    const m = await sweepPoint(c, {}, truth)
    memory.lift()
    tuned.push({
      backend,
      'server memory': memory.label,
      index: label,
      'tuned on': source,
      'tune s': round(seconds, 1),
      setting: t === null ? 'none' : `${t.setting} ${t.value}`,
      'recall@10 tuning measured': t === null ? null : round(t.recall),
      'held-out recall@10': round(m.recall),
      QPS: Math.round(m.qps),
    })
    log(JSON.stringify(tuned.at(-1)))
  }
}

/** Every query once untimed (warm caches), then once timed. */
async function sweepPoint(c: Collection, options: object, truth: string[][]) {
  for (const q of data.queries.slice(0, 50)) await c.query({ data: q, limit: 10, ...options })
  const ms: number[] = []
  let found = 0
  for (const [i, q] of data.queries.entries()) {
    const started = performance.now()
    const ids = await c.query({ data: q, limit: 10, ...options })
    ms.push(performance.now() - started)
    const expected = new Set(truth[i])
    found += ids.filter((id) => expected.has(id)).length
  }
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length
  return {
    recall: found / (10 * data.queries.length),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    qps: 1000 / mean,
  }
}

function loadSet(set: string, queries: number) {
  if (set === 'glove') {
    const split = heldOutSplit(loadAllGlove(), Number.MAX_SAFE_INTEGER, queries)
    return { dimension: 100, rows: split.rows, queries: split.queries }
  }
  // 100,000 Webster passages (bench/passages.ts), the first `queries` held out as the queries.
  if (set === 'passages') return heldOutPassages(PASSAGES, queries)
  const embedded = readEmbeddedSet(DEFAULT_SIZE)
  if (embedded === null) {
    console.error('the retrieval set is not embedded yet: npx tsx bench/retrieval-set.ts')
    process.exit(1)
  }
  const vector = (i: number) => embedded.vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION)
  const n = embedded.documents.length
  return {
    dimension: DIMENSION,
    rows: embedded.documents.map((d, i) => ({ id: d.id, vector: vector(i) })),
    queries: Array.from({ length: Math.min(queries, embedded.queries.length) }, (_, i) =>
      vector(n + i),
    ),
  }
}
