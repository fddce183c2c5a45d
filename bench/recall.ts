import type { Collection } from '../src/index.js'

/** Recall@10 of `queries` at one fixed `efSearch`, against `truth` (each query's exact top 10). */
export async function recallAt10(
  c: Collection,
  queries: readonly Float32Array[],
  truth: readonly string[][],
  efSearch: number,
): Promise<number> {
  let found = 0
  for (const [i, q] of queries.entries()) {
    const ids = new Set(await c.query({ data: q, limit: 10, efSearch }))
    found += (truth[i] as string[]).filter((id) => ids.has(id)).length
  }
  return found / (queries.length * 10)
}
