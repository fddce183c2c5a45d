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

type Side = 'vecs' | 'raw' | 'rawPool'
type Round = Partial<Record<Side, QueryStats>> & { vecs: QueryStats; raw: QueryStats }

/**
 * What `compareQueries` reports: medians over the rounds, and the median of the rounds' p50
 * ratios, against a raw client and (on a server) a raw pool.
 */
export interface QueryComparison {
  vecs: QueryStats
  raw: QueryStats
  rawPool: QueryStats | null
  p50Ratio: number
  p50RatioPool: number | null
  rounds: Round[]
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
  const runners: Partial<Record<Side, Runner>> & { vecs: Runner; raw: Runner } = {
    vecs: (q) => c.query({ data: q, limit: 10 }),
    raw: (q) => b.raw.query(sql, [vectorToBinary(q)]),
  }
  const pool = b.rawPool
  if (pool) runners.rawPool = (q) => pool.query(sql, [vectorToBinary(q)])
  await timeRound(runners, queries.slice(0, WARM_UP))
  const measured: Round[] = []
  for (let r = 0; r < rounds; r++) measured.push(await timeRound(runners, queries))
  const summary = (side: Side): QueryStats => ({
    p50: median(measured.map((m) => m[side]?.p50 ?? 0)),
    p99: median(measured.map((m) => m[side]?.p99 ?? 0)),
    qps: median(measured.map((m) => m[side]?.qps ?? 0)),
  })
  return {
    vecs: summary('vecs'),
    raw: summary('raw'),
    rawPool: pool ? summary('rawPool') : null,
    p50Ratio: median(measured.map((m) => m.vecs.p50 / m.raw.p50)),
    p50RatioPool: pool
      ? median(measured.map((m) => m.vecs.p50 / (m.rawPool as QueryStats).p50))
      : null,
    rounds: measured,
  }
}

type Runner = (q: Float32Array) => Promise<unknown>

/** Each query asked of every side in turn, the order rotating so no side is always first. */
async function timeRound(
  runners: Partial<Record<Side, Runner>> & { vecs: Runner; raw: Runner },
  queries: Float32Array[],
): Promise<Round> {
  const sides = Object.keys(runners) as Side[]
  const times = Object.fromEntries(sides.map((side) => [side, [] as number[]]))
  for (const [i, q] of queries.entries()) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length] as Side
      const start = performance.now()
      await runners[side]?.(q)
      times[side]?.push(performance.now() - start)
    }
  }
  return Object.fromEntries(sides.map((side) => [side, stats(times[side] ?? [])])) as Round
}

function stats(ms: number[]): QueryStats {
  const total = ms.reduce((s, x) => s + x, 0)
  return { p50: median(ms), p99: percentile(ms, 99), qps: (1000 * ms.length) / total }
}

export type { Dataset }
