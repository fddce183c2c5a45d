/**
 * npm run bench: vecs next to baselines measured in the same run, as ratios (these machines are
 * shared and noisy: absolute numbers drift, ratios hold). Every ingest figure is the median of
 * three interleaved rounds. Prints a markdown table; writes JSON and the table to bench/results/.
 *
 * PGlite always; a server too when VECS_BENCH_DATABASE_URL is set.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { glove, median, random, type Dataset } from './data.js'
import { openBackends, SCHEMA, type BenchBackend } from './drivers.js'
import { INGEST_METHODS } from './ingest.js'
import { compareQueries } from './query.js'

const ROUNDS = 3
const QUERIES = 300

interface Result {
  backend: string
  dataset: string
  rows: number
  ingestRowsPerSec: Record<string, number>
  query: Awaited<ReturnType<typeof compareQueries>>
  buildSeconds: Record<string, number>
}

const results: Result[] = []
for (const b of await openBackends()) {
  const sets = [await glove(20_000), random(b.name === 'pglite' ? 5_000 : 20_000, 1536)]
  for (const data of sets) results.push(await benchDataset(b, data))
  await b.close()
}
report(results)

async function benchDataset(b: BenchBackend, data: Dataset): Promise<Result> {
  const names = Object.keys(INGEST_METHODS)
  const seconds: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length] as string)
    for (const name of order) {
      const table = `t_${round}_${names.indexOf(name)}_${data.name.replace(/\W/g, '')}`
      const start = performance.now()
      await INGEST_METHODS[name]?.(b, data, table)
      seconds[name]?.push((performance.now() - start) / 1000)
      await b.raw.query(`DROP TABLE IF EXISTS ${SCHEMA}."${table}"`)
      log(
        `${b.name} ${data.name} round ${round + 1} ${name}: ${(seconds[name]?.at(-1) ?? 0).toFixed(2)} s`,
      )
    }
  }
  const ingestRowsPerSec = Object.fromEntries(
    names.map((n) => [n, data.vectors.length / median(seconds[n] ?? [])]),
  )
  const c = await b.vecs.getOrCreateCollection(`q_${data.name.replace(/\W/g, '')}`, {
    dimension: data.dimension,
  })
  await c.upsert(data.vectors.map((v, i) => [`v${i}`, v, { i }]))
  const buildSeconds: Record<string, number> = {}
  for (const method of ['ivfflat', 'hnsw'] as const) {
    const start = performance.now()
    await c.createIndex({ method })
    buildSeconds[method] = (performance.now() - start) / 1000
    log(`${b.name} ${data.name} ${method} build: ${buildSeconds[method]?.toFixed(2)} s`)
  }
  const query = await compareQueries(b, c, data.vectors.slice(0, QUERIES), ROUNDS)
  await b.vecs.deleteCollection(c.name)
  return {
    backend: b.name,
    dataset: data.name,
    rows: data.vectors.length,
    ingestRowsPerSec,
    query,
    buildSeconds,
  }
}

function report(all: Result[]): void {
  const lines = ['## Ingest (rows/s, median of 3 interleaved rounds) and ratios', '']
  lines.push(
    '| backend | data | rows | vecs upsert | raw binary COPY | Python vecs | LangChain.js | text unnest | vecs ÷ COPY | vecs ÷ Python | vecs ÷ LangChain | vecs ÷ unnest |',
  )
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const r of all) {
    const s = r.ingestRowsPerSec
    const v = s['vecs upsert'] as number
    const ratio = (k: string) => (v / (s[k] as number)).toFixed(2)
    lines.push(
      `| ${r.backend} | ${r.dataset} | ${r.rows} | ${fmt(v)} | ${fmt(s['raw binary COPY'])} | ${fmt(s['Python vecs pattern'])} | ` +
        `${fmt(s['LangChain.js pattern'])} | ${fmt(s['text unnest INSERT'])} | ${ratio('raw binary COPY')} | ` +
        `${ratio('Python vecs pattern')} | ${ratio('LangChain.js pattern')} | ${ratio('text unnest INSERT')} |`,
    )
  }
  lines.push(
    '',
    `## Query (limit 10, HNSW defaults, ${QUERIES} queries interleaved, after a warm-up; medians of ${ROUNDS} rounds) and index builds`,
    '',
  )
  lines.push(
    '| backend | data | vecs p50 ms | raw p50 ms | p50 ratio | raw pool p50 ms | ratio to pool | vecs p99 ms | raw p99 ms | vecs QPS | raw QPS | IVFFlat build s | HNSW build s |',
  )
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const r of all) {
    const { vecs, raw } = r.query
    lines.push(
      `| ${r.backend} | ${r.dataset} | ${vecs.p50.toFixed(3)} | ${raw.p50.toFixed(3)} | ${r.query.p50Ratio.toFixed(2)} | ` +
        `${r.query.rawPool?.p50.toFixed(3) ?? '—'} | ${r.query.p50RatioPool?.toFixed(2) ?? '—'} | ` +
        `${vecs.p99.toFixed(3)} | ${raw.p99.toFixed(3)} | ${fmt(vecs.qps)} | ${fmt(raw.qps)} | ` +
        `${r.buildSeconds.ivfflat?.toFixed(2)} | ${r.buildSeconds.hnsw?.toFixed(2)} |`,
    )
  }
  const table = lines.join('\n')
  console.log(`\n${table}\n`)
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const backends = [...new Set(all.map((r) => r.backend))].join('+')
  writeFileSync(
    new URL(`./results/${stamp}-${backends}.json`, import.meta.url),
    JSON.stringify(all, null, 2),
  )
  writeFileSync(new URL(`./results/${stamp}-${backends}.md`, import.meta.url), `${table}\n`)
}

function fmt(n: number | undefined): string {
  return n === undefined ? '–' : Math.round(n).toLocaleString('en-US')
}

function log(line: string): void {
  process.stderr.write(`${line}\n`)
}
