/** `queryMany`: many searches in one call, each answered as `query` answers it alone. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeEachBackend } from './backends.js'
import { ArgError } from '../src/index.js'

describeEachBackend('queryMany', (b) => {
  async function filled() {
    const c = await b.client.getOrCreateCollection<{ even: boolean }>(b.uniqueName(), {
      dimension: 3,
    })
    await c.upsert(
      Array.from(
        { length: 200 },
        (_, i) =>
          [`r${i}`, [Math.cos(i), Math.sin(i), (i % 5) / 5], { even: i % 2 === 0 }] as const,
      ),
    )
    return c
  }

  test('one result list per input, in order, the same as query gives for each', async () => {
    const c = await filled()
    await c.createIndex({ method: 'hnsw' })
    const inputs = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i), 0.5])
    const options = { limit: 7, filters: { even: true }, includeValue: true } as const
    const many = await c.queryMany({ ...options, data: inputs })
    assert.equal(many.length, inputs.length)
    for (const [i, data] of inputs.entries()) {
      assert.deepEqual(many[i], await c.query({ ...options, data }))
      assert.ok(many[i]!.every((row) => row.id.length > 1 && typeof row.value === 'number'))
    }
    // Ids alone without include flags; no inputs, no results.
    const ids: string[][] = await c.queryMany({ data: inputs.slice(0, 2), limit: 3 })
    assert.deepEqual(ids[1], await c.query({ data: inputs[1]!, limit: 3 }))
    assert.deepEqual(await c.queryMany({ data: [] }), [])
  })

  test('bad inputs are one ArgError, before any search', async () => {
    const c = await filled()
    await assert.rejects(c.queryMany({ data: [0.1, 0.2, 0.3] as never }), /a list of queries/)
    await assert.rejects(c.queryMany(null as never), ArgError)
    await assert.rejects(c.queryMany({ data: [[1, 0, 0]], limit: 0 }), /limit/)
    await assert.rejects(c.queryMany({ data: [[1, 0, 0]], nope: 1 } as never), ArgError)
    await assert.rejects(
      c.queryMany({
        data: [
          [1, 0, 0],
          [1, 0],
        ],
      }),
      /dimension|length/,
    )
    const tooMany = Array.from({ length: 10_001 }, () => [1, 0, 0])
    await assert.rejects(c.queryMany({ data: tooMany }), /at most 10000/)
  })
})
