/**
 * Whether vectors kept in line speed up the reads that fetch them. A row of a 512-dim vector is
 * over PostgreSQL's 2 kB TOAST threshold, so by default its vector is moved to the TOAST table,
 * and every read of it (an exact search, a binary index's re-ranking, a distance returned with a
 * hit) fetches it from there. `toast_tuple_target = 8160` keeps rows up to a page in the heap. For
 * each dimension, the same seeded random vectors go into two collections, one with the setting
 * (set before the load), in one run on a server: heap and TOAST size, an exact search's p50, and
 * the QPS of a binary index re-ranked 16× and of HNSW returning the distance. Speed only: recall
 * is the same data either way.
 *
 * npx tsx bench/inline-vectors.ts [--rows 20000] [--dimensions 512,1536] [--queries 100]
 *   with VECS_BENCH_DATABASE_URL=postgresql://…
 */
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createClient, type Collection } from '../src/index.js'
import { percentile, random } from './data.js'
import { log, round, saveReport, type ReportRow } from './report.js'

const SCHEMA = 'vecs_bench_inline'
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    dimensions: { type: 'string', default: '512,1536' },
    queries: { type: 'string', default: '100' },
  },
})
const url = process.env.VECS_BENCH_DATABASE_URL
if (!url) {
  console.error('set VECS_BENCH_DATABASE_URL to a server with pgvector')
  process.exit(1)
}
const rows = Number(values.rows)
const vx = await createClient(url, { schema: SCHEMA })
const raw = new pg.Client({ connectionString: url })
await raw.connect()
const report: ReportRow[] = []

for (const dimension of values.dimensions.split(',').map(Number)) {
  const data = random(rows + Number(values.queries), dimension, dimension)
  const stored = data.vectors.slice(0, rows)
  const queries = data.vectors.slice(rows)
  const measured: Record<string, number>[] = []
  for (const inline of [false, true]) {
    const name = `random_${dimension}_${inline ? 'inline' : 'toasted'}`
    await vx.deleteCollection(name)
    const c = await vx.getOrCreateCollection(name, { dimension })
    const table = `"${SCHEMA}"."${name}"`
    if (inline) await raw.query(`ALTER TABLE ${table} SET (toast_tuple_target = 8160)`)
    await c.upsert(stored.map((v, i) => [`r${i}`, v]))
    await raw.query(`VACUUM ANALYZE ${table}`)
    const [sizes] = (
      await raw.query<{ heap: string; toast: string }>(
        `SELECT pg_relation_size(c.oid) AS heap,
                coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast
         FROM pg_class c WHERE c.oid = $1::regclass`,
        [table],
      )
    ).rows
    const exactMs = await latencies(c, queries, { exact: true })
    await c.createIndex({ method: 'hnsw', quantization: 'binary', targetRecall: null })
    const binaryQps = await qps(c, queries, { rerank: 16 })
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    const valueQps = await qps(c, queries, { includeValue: true })
    const row = {
      heapMB: Number(sizes?.heap) / 2 ** 20,
      toastMB: Number(sizes?.toast) / 2 ** 20,
      exactMs: percentile(exactMs, 50),
      binaryQps,
      valueQps,
    }
    log(`${name}: ${JSON.stringify(row)}`)
    measured.push(row)
    report.push({
      dimension,
      vectors: inline ? 'in line (toast_tuple_target 8160)' : 'TOAST (default)',
      'heap MB': round(row.heapMB, 1),
      'TOAST MB': round(row.toastMB, 1),
      'exact p50 ms': round(row.exactMs, 1),
      'binary, rerank 16: QPS': Math.round(row.binaryQps),
      'HNSW with distance: QPS': Math.round(row.valueQps),
    })
  }
  const [toasted, inline] = measured as [Record<string, number>, Record<string, number>]
  report.push({
    dimension,
    vectors: 'in line ÷ TOAST',
    'heap MB': round((inline.heapMB as number) / (toasted.heapMB as number), 2),
    'TOAST MB': null,
    'exact p50 ms': round((inline.exactMs as number) / (toasted.exactMs as number), 2),
    'binary, rerank 16: QPS': round(
      (inline.binaryQps as number) / (toasted.binaryQps as number),
      2,
    ),
    'HNSW with distance: QPS': round((inline.valueQps as number) / (toasted.valueQps as number), 2),
  })
}
saveReport(`inline-vectors-${rows}`, report)
await raw.end()
await vx.disconnect()

interface QueryOptions {
  exact?: boolean
  rerank?: number
  includeValue?: boolean
}

async function latencies(
  c: Collection,
  queries: readonly Float32Array[],
  options: QueryOptions,
): Promise<number[]> {
  const ms: number[] = []
  for (const q of queries) {
    const started = performance.now()
    await c.query({ data: q, limit: 10, ...options })
    ms.push(performance.now() - started)
  }
  return ms
}

/** Queries/s one at a time, after a warm-up round. */
async function qps(
  c: Collection,
  queries: readonly Float32Array[],
  options: QueryOptions,
): Promise<number> {
  await latencies(c, queries, options)
  const ms = await latencies(c, queries, options)
  return (1000 * ms.length) / ms.reduce((sum, x) => sum + x, 0)
}
