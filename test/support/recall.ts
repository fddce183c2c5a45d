import type { Collection } from '../../src/index.js'

/**
 * Recall@10 of `queries` against `truths` (each query's exact top 10), with the query options
 * given (`efSearch`, `rerank`, …); also each query's page, in order.
 */
export async function measureRecall(
  c: Collection,
  queries: readonly number[][],
  truths: readonly Set<string>[],
  options: { efSearch?: number; rerank?: number } = {},
): Promise<{ recall: number; pages: string[][] }> {
  let hits = 0
  const pages: string[][] = []
  for (const [i, q] of queries.entries()) {
    const page = (await c.query({ data: q, limit: 10, ...options })) as string[]
    pages.push(page)
    hits += page.filter((id) => truths[i]?.has(id)).length
  }
  return { recall: hits / (queries.length * 10), pages }
}
