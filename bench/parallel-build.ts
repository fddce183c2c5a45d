/**
 * HNSW builds on a server, at pgvector's defaults and as vecs runs them: the same GloVe-100 words
 * (a seeded sample, `--rows`), indexed in turn by a plain `CREATE INDEX … USING hnsw` at the
 * server's settings (maintenance_work_mem 64 MB, max_parallel_maintenance_workers 2: what a user
 * gets without vecs), then by `createIndex` with 0, 1 and 2 parallel workers and with vecs' default
 * (the server's max_parallel_workers less one), each with the memory vecs sizes for it. Reports
 * build time, its ratio to the defaults' in the same run, the workers the server ran, the index
 * size and recall@10 against exact search at one fixed ef_search, so that speed is not bought with
 * quality. PGlite has no parallel workers (one process): nothing to measure there.
 *
 * VECS_BENCH_DATABASE_URL=postgresql://… npx tsx bench/parallel-build.ts [--rows 100000]
 */
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createClient } from '../src/index.js'
import { heldOutSplit, loadAllGlove } from './glove-full.js'
import { recallAt10 } from './recall.js'
import { log, round, saveReport, type ReportRow } from './report.js'

const SCHEMA = 'vecs_bench_parallel'
const QUERIES = 200
const EF_SEARCH = 40

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000' } },
})
const url = process.env.VECS_BENCH_DATABASE_URL
if (!url) {
  console.error('set VECS_BENCH_DATABASE_URL to a PostgreSQL server with pgvector')
  process.exit(1)
}
const split = heldOutSplit(loadAllGlove(), Number(values.rows), QUERIES)
const vx = await createClient(url, { schema: SCHEMA })
const raw = new pg.Client({ connectionString: url })
await raw.connect()
try {
  const name = `glove_${split.rows.length}`
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: 100 })
  await c.upsert(split.rows.map((r) => [r.id, r.vector]))
  log(`loaded ${split.rows.length} words`)
  const truth = await Promise.all(
    split.queries.map((q) => c.query({ data: q, limit: 10, exact: true })),
  )
  const { rows: settings } = await raw.query<{ mwm: string; workers: string; budget: string }>(
    `SELECT current_setting('maintenance_work_mem') AS mwm,
            current_setting('max_parallel_maintenance_workers') AS workers,
            current_setting('max_parallel_workers') AS budget`,
  )
  const server = settings[0] as { mwm: string; workers: string; budget: string }
  const report: ReportRow[] = []
  let baseline = 0
  const record = async (build: string, ms: number, workers: number | null) => {
    if (baseline === 0) baseline = ms
    const stats = await c.stats()
    report.push({
      build,
      seconds: round(ms / 1000, 1),
      'x defaults': round(ms / baseline, 2),
      workers,
      'index MB': round((stats.vectorIndexBytes ?? 0) / 2 ** 20, 1),
      'recall@10': round(await recallAt10(c, split.queries, truth, EF_SEARCH), 3),
    })
    log(JSON.stringify(report.at(-1)))
  }
  const table = `"${SCHEMA}"."${name}"`
  let started = performance.now()
  await raw.query(`CREATE INDEX ON ${table} USING hnsw (vec vector_cosine_ops)`)
  await record(
    `pgvector defaults (maintenance_work_mem ${server.mwm}, max_parallel_maintenance_workers ${server.workers})`,
    performance.now() - started,
    null,
  )
  for (const parallelWorkers of [0, 1, 2, undefined]) {
    started = performance.now()
    await c.createIndex({ method: 'hnsw', parallelWorkers, targetRecall: null })
    const label =
      parallelWorkers === undefined
        ? `vecs default (max_parallel_workers ${server.budget} - 1)`
        : `vecs, parallelWorkers ${parallelWorkers}`
    await record(label, performance.now() - started, (await c.stats()).workersAtIndexBuild)
  }
  saveReport(`parallel-build-${split.rows.length}`, report)
} finally {
  await raw.end()
  await vx.disconnect()
}
