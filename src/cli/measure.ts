/** Latency and recall of a set of queries, as `vecs bench` and `vecs demo` report them. */
export interface Measured {
  p50Ms: number
  p99Ms: number
  qps: number
  /** Mean over the queries of |found ∩ truth| / k. */
  recall: number
}

/**
 * Runs `search` for every query one after another (after a short warm-up), timing each, and
 * scores the answers against `truth` (the exact k nearest of each query).
 */
export async function measureQueries(
  queries: readonly number[][],
  truth: readonly (readonly string[])[],
  search: (query: number[], i: number) => Promise<string[]>,
): Promise<Measured> {
  for (let i = 0; i < Math.min(5, queries.length); i++) await search(queries[i] as number[], i)
  const latencies: number[] = []
  let hits = 0
  let wanted = 0
  const started = performance.now()
  for (let i = 0; i < queries.length; i++) {
    const t = performance.now()
    const found = await search(queries[i] as number[], i)
    latencies.push(performance.now() - t)
    const expected = truth[i] ?? []
    hits += expected.filter((id) => found.includes(id)).length
    wanted += expected.length
  }
  const total = performance.now() - started
  latencies.sort((a, b) => a - b)
  return {
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    qps: queries.length / (total / 1000),
    recall: wanted === 0 ? 1 : hits / wanted,
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

/** The plan's access to the collection: `Index Scan (hnsw)`, `Seq Scan`, … from EXPLAIN text. */
export function scanOf(plan: string): string {
  const line = plan.split('\n').find((l) => /Scan/.test(l)) ?? ''
  const index = /Index Scan using (ix_\S+?)_(hnsw|ivfflat)_/.exec(line)
  if (index) return `Index Scan (${index[2]})`
  return /(Parallel )?(Seq|Bitmap Heap|Index Only|Index) Scan/.exec(line)?.[0] ?? 'unknown'
}
