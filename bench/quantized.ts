/**
 * Quantized HNSW indexes against full precision, on real data, in one run: the 512-dimension
 * retrieval set (Webster definitions embedded by the bundled sentence model, see
 * retrieval-set.ts; its query embeddings are the queries), 100,000 Webster passages (`--set
 * passages`, bench/passages.ts; held-out passages as queries), or all of GloVe-100 (`--set glove`,
 * held-out words as queries). For each of `none`, `halfvec` and `binary`: the build time and the
 * index size, then a sweep of the query setting (`efSearch` for full and half precision, `rerank`
 * for binary, whose ef_search follows its candidates) with recall@10 against exact search, p50,
 * p99 and QPS. A second table takes, for each, the fastest setting that reaches recall@10 0.95 and
 * gives its QPS and index size as ratios to full precision's. A server (VECS_BENCH_DATABASE_URL);
 * PGlite too with `--pglite`.
 *
 * npx tsx bench/quantized.ts [--set retrieval|passages|glove] [--queries 500] [--pglite]
 */
import { parseArgs } from 'node:util'
import { type Client, type Collection, type Quantization } from '../src/index.js'
import { percentile } from './data.js'
import { heldOutSplit, loadAllGlove } from './glove-full.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { onEachBackend } from './targets.js'
import { DEFAULT_SIZE } from './retrieval-build.js'
import { DIMENSION, readEmbeddedSet } from './retrieval-cache.js'
import { readPassages } from './passages.js'

const PASSAGES = 100_000

const TARGET = 0.95
const SWEEPS: Record<Quantization, { knob: 'efSearch' | 'rerank'; values: number[] }> = {
  none: { knob: 'efSearch', values: [10, 20, 40, 80, 160, 320] },
  halfvec: { knob: 'efSearch', values: [10, 20, 40, 80, 160, 320] },
  binary: { knob: 'rerank', values: [1, 2, 4, 8, 12, 16, 32, 64] },
}

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'retrieval' },
    queries: { type: 'string', default: '500' },
    pglite: { type: 'boolean', default: false },
  },
})
const data = loadSet(values.set as string, Number(values.queries))
const sweep: ReportRow[] = []
const summary: ReportRow[] = []
await onEachBackend('vecs_bench_quantized', values.pglite === true, measure)
saveReport(`quantized-${values.set}`, sweep)
saveReport(`quantized-${values.set}-at-${TARGET}`, summary)

interface Point {
  quantization: Quantization
  setting: number
  recall: number
  qps: number
  bytes: number
}

async function measure(backend: string, vx: Client): Promise<void> {
  const name = `${values.set}_${data.rows.length}`
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: data.dimension })
  await c.upsert(data.rows.map((r) => [r.id, r.vector]))
  log(`${backend}: loaded ${data.rows.length} × ${data.dimension}`)
  const truth = []
  for (const q of data.queries) truth.push(await c.query({ data: q, limit: 10, exact: true }))
  const points: Point[] = []
  for (const quantization of ['none', 'halfvec', 'binary'] as const) {
    const started = performance.now()
    await c.createIndex({ method: 'hnsw', quantization, targetRecall: null })
    const buildSeconds = (performance.now() - started) / 1000
    const bytes = (await c.stats()).vectorIndexBytes ?? 0
    const { knob, values: settings } = SWEEPS[quantization]
    for (const setting of settings) {
      const m = await sweepPoint(c, { [knob]: setting }, truth)
      points.push({ quantization, setting, recall: m.recall, qps: m.qps, bytes })
      sweep.push({
        backend,
        rows: data.rows.length,
        dimension: data.dimension,
        quantization,
        'build s': round(buildSeconds, 1),
        'index MB': round(bytes / 2 ** 20, 1),
        setting: `${knob} ${setting}`,
        'recall@10': round(m.recall),
        'p50 ms': round(m.p50, 2),
        'p99 ms': round(m.p99, 2),
        QPS: Math.round(m.qps),
      })
      log(JSON.stringify(sweep.at(-1)))
    }
  }
  await vx.deleteCollection(name)
  const fastest = (q: Quantization) =>
    points
      .filter((p) => p.quantization === q && p.recall >= TARGET)
      .reduce<Point | null>((a, p) => (a === null || p.qps > a.qps ? p : a), null)
  const full = fastest('none')
  for (const quantization of ['none', 'halfvec', 'binary'] as const) {
    const p = fastest(quantization)
    summary.push({
      backend,
      quantization,
      [`fastest setting at recall ≥ ${TARGET}`]:
        p === null ? 'none reached' : `${SWEEPS[quantization].knob} ${p.setting}`,
      'recall@10': p === null ? null : round(p.recall),
      QPS: p === null ? null : Math.round(p.qps),
      'QPS ÷ full': p === null || full === null ? null : round(p.qps / full.qps, 2),
      'index ÷ full': full === null || p === null ? null : round(p.bytes / full.bytes, 3),
    })
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
  if (set === 'passages') {
    // 100,000 Webster passages (bench/passages.ts), the first `queries` held out as the queries.
    const all = readPassages(PASSAGES)
    if (all === null) {
      console.error(`embed the passages first: npx tsx bench/passages.ts --passages ${PASSAGES}`)
      process.exit(1)
    }
    const vector = (i: number) => all.vectors.subarray(i * DIMENSION, (i + 1) * DIMENSION)
    return {
      dimension: DIMENSION,
      rows: all.documents.slice(queries).map((d, i) => ({ id: d.id, vector: vector(queries + i) })),
      queries: Array.from({ length: queries }, (_, i) => vector(i)),
    }
  }
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
