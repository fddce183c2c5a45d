/**
 * How vecs scales past one server, in one run. The same GloVe-100 collection is made on one node
 * and on a Citus cluster (distributed by id over each `--shards` count): ingest rows/s, HNSW build
 * time at pgvector's defaults, p50/p99 of one query at a time, queries/s with `--concurrency` in
 * flight, and recall@10 against the one node's exact search (each shard returns its own top 10 and
 * the coordinator merges them, so the cluster's exact search must agree: reported too). Then the
 * one node's collection is queried with 0, 1, 2, … read replicas: queries/s and its ratio to none.
 *
 * npx tsx bench/scaling.ts [--rows 100000] [--queries 200] [--shards 4,32] [--concurrency 8]
 *   VECS_BENCH_DATABASE_URL=postgresql://… (one node, the replicas' primary)
 *   VECS_BENCH_CITUS_URL=postgresql://… (a Citus coordinator; optional)
 *   VECS_BENCH_REPLICA_URLS=postgresql://…,postgresql://… (standbys of the node; optional)
 */
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createClient, type Client, type Collection } from '../src/index.js'
import { percentile } from './data.js'
import { heldOutSplit, loadAllGlove } from './glove-full.js'
import { log, round, saveReport, type ReportRow } from './report.js'

const SCHEMA = 'vecs_bench_scaling'
const EF_SEARCH = 40

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    shards: { type: 'string', default: '4,32' },
    concurrency: { type: 'string', default: '8' },
  },
})
const nodeUrl = process.env.VECS_BENCH_DATABASE_URL
if (!nodeUrl) {
  console.error('set VECS_BENCH_DATABASE_URL to a server with pgvector (and VECS_BENCH_CITUS_URL,')
  console.error('VECS_BENCH_REPLICA_URLS for the cluster and the replicas)')
  process.exit(1)
}
const citusUrl = process.env.VECS_BENCH_CITUS_URL
const replicaUrls = (process.env.VECS_BENCH_REPLICA_URLS ?? '').split(',').filter(Boolean)
const concurrency = Number(values.concurrency)
const split = heldOutSplit(loadAllGlove(), Number(values.rows), Number(values.queries))
const queries = split.queries

/** Queries/s with `concurrency` queries in flight, each query asked `rounds` times. */
async function throughput(c: Collection, rounds: number): Promise<number> {
  const work = Array.from({ length: rounds }, () => queries).flat()
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < work.length) {
        const q = work[next++] as Float32Array
        await c.query({ data: q, limit: 10, efSearch: EF_SEARCH })
      }
    }),
  )
  return work.length / ((performance.now() - started) / 1000)
}

async function measureTarget(
  target: string,
  vx: Client,
  name: string,
  distributed: { shardCount: number } | undefined,
  truth: string[][] | null,
): Promise<{ row: ReportRow; truth: string[][] }> {
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: 100, distributed })
  let started = performance.now()
  await c.upsert(split.rows.map((r) => [r.id, r.vector]))
  const ingestSeconds = (performance.now() - started) / 1000
  log(`${target}: ${split.rows.length} rows in ${ingestSeconds.toFixed(1)} s`)
  const exact: string[][] = []
  for (const q of queries) exact.push(await c.query({ data: q, limit: 10, exact: true }))
  started = performance.now()
  await c.createIndex({ method: 'hnsw', targetRecall: null })
  const buildSeconds = (performance.now() - started) / 1000
  log(`${target}: HNSW built in ${buildSeconds.toFixed(1)} s`)
  await throughput(c, 1) // warm-up
  const latencies: number[] = []
  let found = 0
  const reference = truth ?? exact
  for (const [i, q] of queries.entries()) {
    const t0 = performance.now()
    const ids = await c.query({ data: q, limit: 10, efSearch: EF_SEARCH })
    latencies.push(performance.now() - t0)
    const want = new Set(reference[i])
    found += ids.filter((id) => want.has(id)).length
  }
  const qps = await throughput(c, 3)
  const agree = exact.filter((ids, i) => ids.join() === reference[i]?.join()).length
  const row: ReportRow = {
    target,
    shards: distributed?.shardCount ?? null,
    rows: split.rows.length,
    'ingest rows/s': Math.round(split.rows.length / ingestSeconds),
    'build s': round(buildSeconds, 1),
    'p50 ms': round(percentile(latencies, 50), 2),
    'p99 ms': round(percentile(latencies, 99), 2),
    [`QPS (${concurrency} in flight)`]: Math.round(qps),
    'recall@10': round(found / (queries.length * 10)),
    'exact agrees': `${agree}/${queries.length}`,
  }
  log(JSON.stringify(row))
  return { row, truth: exact }
}

/** Waits until every standby has replayed what the primary has written so far. */
async function caughtUp(urls: readonly string[]): Promise<void> {
  const primary = new pg.Client({ connectionString: nodeUrl })
  await primary.connect()
  const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
  await primary.end()
  for (const url of urls) {
    const standby = new pg.Client({ connectionString: url })
    await standby.connect()
    for (;;) {
      const replayed = await standby.query<{ done: boolean }>(
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
        [rows[0]?.lsn],
      )
      if (replayed.rows[0]?.done) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    await standby.end()
  }
}

const report: ReportRow[] = []
const node = await createClient(nodeUrl, { schema: SCHEMA, poolSize: concurrency })
const measured = await measureTarget('one node', node, 'glove', undefined, null)
report.push(measured.row)
await node.disconnect()
if (citusUrl) {
  const cluster = await createClient(citusUrl, { schema: SCHEMA, poolSize: concurrency })
  for (const shardCount of values.shards.split(',').map(Number)) {
    const { row } = await measureTarget(
      `Citus, ${shardCount} shards`,
      cluster,
      `glove_${shardCount}`,
      { shardCount },
      measured.truth,
    )
    report.push(row)
  }
  await cluster.disconnect()
} else log('VECS_BENCH_CITUS_URL is not set: no cluster rows')
saveReport(`scaling-${values.rows}`, report)

const replicaReport: ReportRow[] = []
await caughtUp(replicaUrls)
let alone = 0
for (let k = 0; k <= replicaUrls.length; k++) {
  const vx = await createClient(nodeUrl, {
    schema: SCHEMA,
    poolSize: concurrency,
    readReplicas: replicaUrls.slice(0, k),
  })
  const c = await vx.getCollection('glove')
  await throughput(c, 1) // warm-up: every pool opens its connections
  const qps = await throughput(c, 5)
  alone ||= qps
  const served = vx.readReplicas().filter((r) => r.healthy).length
  replicaReport.push({
    replicas: k,
    'serving reads': k === 0 ? 'primary' : `${served} standby(s)`,
    [`QPS (${concurrency} in flight)`]: Math.round(qps),
    'QPS ÷ none': round(qps / alone, 2),
  })
  log(JSON.stringify(replicaReport.at(-1)))
  await vx.disconnect()
}
if (replicaUrls.length === 0) log('VECS_BENCH_REPLICA_URLS is not set: primary only')
saveReport(`scaling-replicas-${values.rows}`, replicaReport)
