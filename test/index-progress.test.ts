/**
 * A progress listener that throws fails the build cleanly on every backend: `createIndex`
 * rejects with the listener's error (never an unhandled rejection, which ends a Node process),
 * the build's transaction ends, and the previous index stays.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Collection } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { randomVectors } from './support/data.js'

describeEachBackend('index build progress listeners', (b) => {
  const filled = async (n: number): Promise<Collection> => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 16 })
    await c.upsert(randomVectors(n, 16, 5).map((v, i) => [`v${i}`, v]))
    return c
  }

  const vectorIndexes = async (c: Collection) =>
    (
      await b.raw<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexdef ~ 'USING (hnsw|ivfflat)'`,
        [c.schema, c.name],
      )
    )[0]?.n

  for (const concurrently of [false, true]) {
    test(`a throwing onProgress rejects createIndex and keeps the old index (concurrently: ${concurrently})`, async () => {
      // A server polls its progress while it builds, so its build must last a while; PGlite, here or
      // served, builds in one step that blocks its only session, and a small table shows the same.
      const rows = b.name === 'server' ? 20_000 : 4_000
      const c = await filled(rows)
      await c.createIndex({ method: 'ivfflat' })
      const before = await c.getIndex()
      const failure = new Error('the listener failed')
      let calls = 0
      const unhandled: unknown[] = []
      const onUnhandled = (reason: unknown) => unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      try {
        await assert.rejects(
          c.createIndex({
            method: 'hnsw',
            concurrently,
            onProgress: () => {
              calls++
              throw failure
            },
          }),
          (error) => error === failure,
        )
        // Long enough for a stray poll or rejection to surface.
        await new Promise((resolve) => setTimeout(resolve, 600))
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
      assert.deepEqual(unhandled, [])
      assert.equal(calls, 1)
      assert.deepEqual(await c.getIndex(), before)
      assert.equal(await vectorIndexes(c), 1)
      assert.equal(await c.count(), rows)
      await c.createIndex({ method: 'hnsw', concurrently })
      assert.equal((await c.getIndex())?.method, 'hnsw')
    })
  }

  test('a build reports the parallel workers it ran, in progress and in stats()', async () => {
    // Past min_parallel_table_scan_size (8 MB), where PostgreSQL plans a worker for a build (on
    // Citus, for each shard's build).
    const server = b.name === 'server' || b.name === 'citus'
    const rows = server ? 30_000 * b.shards : 1_000
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 100 })
    await c.upsert(randomVectors(rows, 100, 7).map((v, i) => [`v${i}`, v]))
    for (const concurrently of [false, true]) {
      for (const parallelWorkers of [1, 0]) {
        const seen: number[] = []
        await c.createIndex({
          method: 'hnsw',
          parallelWorkers,
          concurrently,
          targetRecall: null,
          onProgress: (p) => seen.push(p.workers ?? -1),
        })
        const { workersAtIndexBuild } = await c.stats()
        const what = `${b.name}, ${parallelWorkers} asked, concurrently ${concurrently}: ${seen}`
        if (b.name === 'citus' && concurrently) {
          // Citus does not pass a session's settings on to the shards' concurrent builds: they run
          // with the workers' own, and vecs reports the workers they ran.
          assert.equal(workersAtIndexBuild, Math.max(0, ...seen), what)
        } else if (server) {
          assert.equal(workersAtIndexBuild, parallelWorkers, what)
          assert.equal(Math.max(...seen), parallelWorkers, what)
        } else {
          // PGlite has no workers, embedded or served.
          assert.equal(workersAtIndexBuild, 0, what)
          assert.ok(
            seen.every((w) => w <= 0),
            what,
          )
        }
      }
    }
    // Inside your own transaction on a server nothing can watch the build: the count is unknown.
    await b.inTransaction('commit', async (tx) => {
      await c.withTransaction(tx).createIndex({ method: 'hnsw', targetRecall: null })
    })
    // (PGlite has none to count.)
    assert.equal((await c.stats()).workersAtIndexBuild, server ? null : 0)
  })
})
