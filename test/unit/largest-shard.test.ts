import assert from 'node:assert/strict'
import { test } from 'node:test'
import { seeded } from '../../src/tuning/held-out.js'
import { largestShard } from '../../src/vector-index/prepare.js'

test('largestShard bounds the largest shard when rows are hashed among shards', () => {
  const next = seeded(7)
  for (const [rows, shards] of [
    [1000, 2],
    [20_000, 4],
    [100_000, 32],
  ] as const) {
    const bound = largestShard(rows, shards)
    assert.ok(bound > rows / shards && bound < (1.2 * rows) / shards + 100, `${rows}/${shards}`)
    for (let trial = 0; trial < 50; trial++) {
      const counts = new Array<number>(shards).fill(0)
      for (let i = 0; i < rows; i++) {
        const shard = Math.floor(next() * shards)
        counts[shard] = (counts[shard] as number) + 1
      }
      assert.ok(Math.max(...counts) <= bound, `${Math.max(...counts)} > ${bound}`)
    }
  }
  assert.equal(largestShard(10, 1), 10)
  assert.equal(largestShard(0, 4), 0)
})
