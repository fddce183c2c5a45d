/**
 * `includeSimilarity`: a score where higher is nearer, for every measure, computed here from the
 * stored vectors to check it: cosine similarity, the inner product, 1 / (1 + distance) for L2 and L1.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MEASURES, type Measure } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { randomVectors } from './support/data.js'

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0)
const expected: Record<Measure, (a: number[], b: number[]) => number> = {
  cosine_distance: (a, b) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)),
  max_inner_product: dot,
  l2_distance: (a, b) => 1 / (1 + Math.sqrt(a.reduce((s, x, i) => s + (x - (b[i] ?? 0)) ** 2, 0))),
  l1_distance: (a, b) => 1 / (1 + a.reduce((s, x, i) => s + Math.abs(x - (b[i] ?? 0)), 0)),
}

describeEachBackend('similarity scores', (b) => {
  test('every measure: higher is nearer, and equals the similarity of the stored vectors', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName('sim'), { dimension: 8 })
    const vectors = randomVectors(60, 8, 11)
    await c.upsert(vectors.map((v, i) => [`v${i}`, v]))
    const query = randomVectors(1, 8, 12)[0] as number[]
    for (const measure of MEASURES) {
      const rows = await c.query({
        data: query,
        limit: 10,
        measure,
        exact: true,
        includeSimilarity: true,
        includeVector: true,
      })
      assert.equal(rows.length, 10)
      for (const [i, row] of rows.entries()) {
        const want = expected[measure](query, row.vector)
        assert.ok(
          Math.abs(row.similarity - want) < 1e-4,
          `${measure} ${row.id}: ${row.similarity} vs ${want}`,
        )
        if (i > 0)
          assert.ok(row.similarity <= (rows[i - 1]?.similarity ?? Infinity) + 1e-9, measure)
      }
      // Only what was asked: no distance without includeValue.
      assert.equal('value' in (rows[0] ?? {}), false)
    }
  })
})
