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

/** `queries` vectors, each asked of vecs and raw in turn (so both see the same noise), limit 10. */
export async function compareQueries(
  b: BenchBackend,
  c: Collection,
  queries: Float32Array[],
): Promise<{ vecs: QueryStats; raw: QueryStats }> {
  const sql = `SELECT id FROM ${SCHEMA}."${c.name}" ORDER BY vec <=> $1::vector LIMIT 10`
  const times = { vecs: [] as number[], raw: [] as number[] }
  for (const [i, q] of queries.entries()) {
    const runs: [keyof typeof times, () => Promise<unknown>][] = [
      ['vecs', () => c.query({ data: q, limit: 10 })],
      ['raw', () => b.raw.query(sql, [vectorToBinary(q)])],
    ]
    if (i % 2) runs.reverse()
    for (const [name, run] of runs) {
      const start = performance.now()
      await run()
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
