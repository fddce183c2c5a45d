/**
 * Loading into a collection that already has an HNSW index, both ways, in one run: through the
 * index row by row (`rebuildIndex: false`, what pgvector does with an INSERT or COPY into an
 * indexed table) and loading first then building the same index (`rebuildIndex: true`). For each
 * collection size already there (`--existing`, a list) it loads `--rows` GloVe-100 words and
 * reports the time until the index is ready, the ratio of the two, and recall@10 against exact
 * search at one fixed ef_search, so that speed is not bought with quality. What the automatic rule
 * (src/upsert/rebuild-rule.ts) is set from.
 *
 * npx tsx bench/rebuild-load.ts [--rows 100000] [--existing 0,100000] [--pglite]
 *   with VECS_BENCH_DATABASE_URL=postgresql://… for a server
 */
import { parseArgs } from 'node:util'
import type { Client, Collection } from '../src/index.js'
import { heldOutSplit, loadAllGlove } from './glove-full.js'
import { recallAt10 } from './recall.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { onEachBackend } from './targets.js'

const SCHEMA = 'vecs_bench_rebuild'
const QUERIES = 200
const EF_SEARCH = 40

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    existing: { type: 'string', default: '0' },
    pglite: { type: 'boolean', default: false },
  },
})
const rows = Number(values.rows)
const sizes = values.existing.split(',').map(Number)
const split = heldOutSplit(loadAllGlove(), rows + Math.max(...sizes), QUERIES)
const report: ReportRow[] = []

await onEachBackend(SCHEMA, values.pglite, async (backend, vx) => {
  for (const existing of sizes) {
    const there = split.rows.slice(0, existing)
    const load = split.rows.slice(existing, existing + rows)
    const results: { way: string; ms: number; c: Collection }[] = []
    for (const rebuildIndex of [false, true]) {
      const c = await indexedCollection(vx, `glove_${existing}_${rebuildIndex}`, there)
      const started = performance.now()
      await c.upsert(
        load.map((r) => [r.id, r.vector]),
        { rebuildIndex },
      )
      const ms = performance.now() - started
      log(
        `${backend}: ${existing} + ${rows}, rebuildIndex ${rebuildIndex}: ${(ms / 1000).toFixed(1)} s`,
      )
      results.push({ way: rebuildIndex ? 'load, then build' : 'through the index', ms, c })
    }
    const exact = results[0]?.c as Collection
    const truth = await Promise.all(
      split.queries.map((q) => exact.query({ data: q, limit: 10, exact: true })),
    )
    const baseline = results[0]?.ms as number
    for (const { way, ms, c } of results) {
      const stats = await c.stats()
      report.push({
        backend,
        existing,
        loaded: rows,
        way,
        seconds: round(ms / 1000, 1),
        'x through': round(ms / baseline, 2),
        'rows/s': Math.round(rows / (ms / 1000)),
        'index MB': round((stats.vectorIndexBytes ?? 0) / 2 ** 20, 1),
        'recall@10': round(await recallAt10(c, split.queries, truth, EF_SEARCH), 3),
      })
      log(JSON.stringify(report.at(-1)))
      await vx.deleteCollection(c.name)
    }
  }
})
saveReport(`rebuild-load-${rows}`, report)

/** A fresh collection holding `rows`, with an HNSW index at pgvector's defaults (built after them). */
async function indexedCollection(
  vx: Client,
  name: string,
  rows: { id: string; vector: Float32Array }[],
) {
  await vx.deleteCollection(name)
  const c = await vx.getOrCreateCollection(name, { dimension: 100 })
  if (rows.length > 0) await c.upsert(rows.map((r) => [r.id, r.vector]))
  await c.createIndex({ method: 'hnsw', targetRecall: null })
  return c
}
