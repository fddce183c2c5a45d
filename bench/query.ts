/** Query latency of vecs next to the same nearest-neighbour SQL sent raw through the same driver. */
import type { Collection } from '../src/index.js'
import { vectorToBinary } from '../src/vector.js'
import { median, percentile, type Dataset } from './data.js'
import { SCHEMA, type BenchBackend } from './drivers.js'

export interface QueryStats {
  p50: number
  p99: number
  qps: number
}

/** What `compareQueries` reports: medians over the rounds, and the median of the rounds' p50 ratios. */
export interface QueryComparison {
  vecs: QueryStats
  raw: QueryStats
  p50Ratio: number
  rounds: { vecs: QueryStats; raw: QueryStats }[]
}

const WARM_UP = 50

/**
 * `queries` vectors, each asked of vecs and raw in turn (so both see the same noise), limit 10,
 * in `rounds` rounds after one warm-up pass of both (JIT and caches, not measured).
 */
export async function compareQueries(
  b: BenchBackend,
  c: Collection,
  queries: Float32Array[],
  rounds: number,
): Promise<QueryComparison> {
  const sql = `SELECT id FROM ${SCHEMA}."${c.name}" ORDER BY vec <=> $1::vector LIMIT 10`
  const runners = {
    vecs: (q: Float32Array) => c.query({ data: q, limit: 10 }),
    raw: (q: Float32Array) => b.raw.query(sql, [vectorToBinary(q)]),
  }
  await timeRound(runners, queries.slice(0, WARM_UP))
  const measured: QueryComparison['rounds'] = []
  for (let r = 0; r < rounds; r++) measured.push(await timeRound(runners, queries))
  const pick = (name: 'vecs' | 'raw', key: keyof QueryStats) =>
    median(measured.map((m) => m[name][key]))
  const summary = (name: 'vecs' | 'raw') => ({
    p50: pick(name, 'p50'),
    p99: pick(name, 'p99'),
    qps: pick(name, 'qps'),
  })
  return {
    vecs: summary('vecs'),
    raw: summary('raw'),
    p50Ratio: median(measured.map((m) => m.vecs.p50 / m.raw.p50)),
    rounds: measured,
  }
}

type Runner = (q: Float32Array) => Promise<unknown>

async function timeRound(
  runners: { vecs: Runner; raw: Runner },
  queries: Float32Array[],
): Promise<{ vecs: QueryStats; raw: QueryStats }> {
  const times = { vecs: [] as number[], raw: [] as number[] }
  for (const [i, q] of queries.entries()) {
    const order: (keyof typeof times)[] = i % 2 ? ['raw', 'vecs'] : ['vecs', 'raw']
    for (const name of order) {
      const start = performance.now()
      await runners[name](q)
      times[name].push(performance.now() - start)
    }
  }
  return { vecs: stats(times.vecs), raw: stats(times.raw) }
}

function stats(ms: number[]): QueryStats {
  const total = ms.reduce((s, x) => s + x, 0)
  return { p50: median(ms), p99: percentile(ms, 99), qps: (1000 * ms.length) / total }
}

export type { Dataset }
