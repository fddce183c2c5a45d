/**
 * Peak memory of a large streamed upsert: ROWS rows of 100 dims (GloVe vectors, cycled, unique
 * ids) from an async generator, in one atomic upsert call. The peak is the kernel's own maximum
 * resident set (getrusage), which also catches peaks while PGlite blocks the event loop; it is
 * compared with the RSS just before the upsert (so an earlier peak can only overstate the growth).
 * The target is a peak RSS growth under 300 MB for 1M rows: vecs holds one batch at a time.
 *
 * Against VECS_BENCH_DATABASE_URL when set (the client's own memory); else embedded PGlite in a
 * temporary directory (there the database engine shares the process, so its own memory counts too).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, type UpsertRecord } from '../src/index.js'
import { glove } from './data.js'

const ROWS = Number(process.env.VECS_BENCH_MEMORY_ROWS ?? 1_000_000)
const url = process.env.VECS_BENCH_DATABASE_URL
const dir = url ? null : mkdtempSync(join(tmpdir(), 'vecs-bench-'))
const words = (await glove(25_000)).vectors

const vx = await createClient(url ?? dir ?? undefined, { schema: 'vecs_bench_memory' })
const c = await vx.getOrCreateCollection('big', { dimension: 100 })
const baseline = process.memoryUsage().rss

async function* rows(): AsyncGenerator<UpsertRecord> {
  for (let i = 0; i < ROWS; i++) yield [`w${i}`, words[i % words.length] as Float32Array, { i }]
}
const start = performance.now()
await c.upsert(rows())
const seconds = (performance.now() - start) / 1000
const peak = process.resourceUsage().maxRSS * 1024
const count = await c.count()
await vx.deleteCollection('big')
await vx.disconnect()
if (dir) rmSync(dir, { recursive: true, force: true })

const growthMb = (peak - baseline) / 2 ** 20
const result = {
  backend: url ? 'postgres' : 'pglite',
  rows: ROWS,
  count,
  seconds,
  rowsPerSec: ROWS / seconds,
  peakRssGrowthMb: growthMb,
}
const line =
  `| ${result.backend} | ${ROWS.toLocaleString('en-US')} × 100 | ${seconds.toFixed(1)} s | ` +
  `${Math.round(result.rowsPerSec).toLocaleString('en-US')} rows/s | ${growthMb.toFixed(0)} MB | ${growthMb < 300 ? 'met' : 'MISSED'} (< 300 MB) |`
console.log(
  '| backend | upsert | time | rate | peak RSS growth | target |\n|---|---|---|---|---|---|\n' +
    line,
)
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
writeFileSync(
  new URL(`./results/${stamp}-memory-${result.backend}.json`, import.meta.url),
  JSON.stringify(result, null, 2),
)
