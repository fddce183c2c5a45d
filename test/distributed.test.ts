/**
 * Distributed collections: `getOrCreateCollection(name, { distributed })` on a Citus coordinator
 * shards the table by id; listing, `distributed` and `stats()` show it, with sizes summed over the
 * shards. Without Citus, asking for it is `ExtensionUnavailable` (runs everywhere). The Citus part
 * runs when VECS_TEST_CITUS_URL names a coordinator, and is skipped, saying so, otherwise.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import {
  ArgError,
  createClient,
  ExtensionUnavailable,
  IndexArgsHNSW,
  type Client,
} from '../src/index.js'
import { exactNearest } from './support/data.js'
import { loadGlove } from './support/glove.js'
import { measureRecall } from './support/recall.js'

const { vectors } = loadGlove(2100)
const stored = vectors.slice(0, 2000)
const queries = vectors.slice(2000)
const truths = queries.map((q) => new Set(exactNearest(stored, q, 'cosine_distance', 10)))

test('distributed without Citus is ExtensionUnavailable, and a bad value an ArgError', async () => {
  const vx = await createClient()
  try {
    await assert.rejects(
      vx.getOrCreateCollection('d', { dimension: 3, distributed: true }),
      (e: unknown) => e instanceof ExtensionUnavailable && /Citus/.test((e as Error).message),
    )
    await assert.rejects(
      vx.getOrCreateCollection('d', { dimension: 3, distributed: 'yes' as never }),
      ArgError,
    )
    const plain = await vx.getOrCreateCollection('d', { dimension: 3, distributed: false })
    assert.equal(plain.distributed, null)
    assert.equal((await plain.stats()).distributed, null)
  } finally {
    await vx.disconnect()
  }
})

const citusUrl = process.env.VECS_TEST_CITUS_URL
if (citusUrl === undefined) {
  test(
    'distributed collections on Citus',
    { skip: 'set VECS_TEST_CITUS_URL to a Citus coordinator' },
    () => {},
  )
} else {
  describe('distributed collections on Citus', () => {
    const schema = `vecs_dist_${Math.random().toString(16).slice(2, 8)}`
    let vx: Client
    let raw: pg.Client
    before(async () => {
      vx = await createClient(citusUrl, { schema })
      raw = new pg.Client({ connectionString: citusUrl })
      await raw.connect()
    })
    after(async () => {
      await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await raw.end()
      await vx.disconnect()
    })

    test('a new collection is sharded by id, and says so', async () => {
      const c = await vx.getOrCreateCollection('docs', {
        dimension: 3,
        distributed: { shardCount: 4 },
      })
      assert.deepEqual(c.distributed, { shardCount: 4 })
      const [dist] = (
        await raw.query(
          `SELECT column_to_column_name(logicalrelid, partkey) AS key FROM pg_dist_partition
           WHERE logicalrelid = '"${schema}".docs'::regclass`,
        )
      ).rows
      assert.equal(dist?.key, 'id')
      await c.upsert(Array.from({ length: 1000 }, (_, i) => [`d${i}`, [i, 1, 0], { i }] as const))
      await c.createIndex({ method: 'hnsw', targetRecall: null })
      const stats = await c.stats()
      assert.deepEqual(stats.distributed, { shardCount: 4 })
      assert.equal(stats.rows, 1000)
      // Summed over the shards, not the coordinator's empty table (8 kB).
      assert.ok(stats.tableBytes > 100_000, `table ${stats.tableBytes}`)
      assert.ok((stats.vectorIndexBytes ?? 0) > 4 * 8192, `index ${stats.vectorIndexBytes}`)
      assert.ok(stats.indexBytes > (stats.vectorIndexBytes ?? 0))
      const listed = (await vx.listCollections()).find((l) => l.name === 'docs')
      assert.deepEqual(listed?.distributed, { shardCount: 4 })
      assert.deepEqual((await vx.getCollection('docs')).distributed, { shardCount: 4 })
      // Opening it again, distributed or not, leaves it as it is.
      const again = await vx.getOrCreateCollection('docs', { distributed: true })
      assert.deepEqual(again.distributed, { shardCount: 4 })
    })

    test('search settings reach the shards: ef_search changes what each shard returns', async () => {
      const c = await vx.getOrCreateCollection('glove', {
        dimension: 100,
        distributed: { shardCount: 2 },
      })
      await c.upsert(stored.map((v, i) => [`v${i}`, v]))
      await c.createIndex({
        method: 'hnsw',
        indexArguments: IndexArgsHNSW({ m: 4, efConstruction: 8 }),
        targetRecall: null,
      })
      const recall = (efSearch: number) => measureRecall(c, queries, truths, { efSearch })
      // Were the settings left on the coordinator, every shard would search at pgvector's 40.
      const narrow = await recall(10)
      const wide = await recall(400)
      assert.notDeepEqual(narrow.pages, wide.pages)
      assert.ok(wide.recall > narrow.recall, `${wide.recall} vs ${narrow.recall}`)
      assert.ok(wide.recall >= 0.95, `recall ${wide.recall}`)
    })

    test('explain() shows a plan from a shard: its vector index, the limit pushed down', async () => {
      const c = await vx.getOrCreateCollection('planned', {
        dimension: 100,
        distributed: { shardCount: 2 },
      })
      // 3,000 rows a shard: fewer, and PostgreSQL scans a shard rather than use its index.
      const many = loadGlove(6001).vectors
      await c.upsert(many.slice(0, 6000).map((v, i) => [`v${i}`, v]))
      await c.createIndex({ method: 'hnsw', targetRecall: null })
      const q = { data: many[6000] as number[], limit: 5 }
      const plan = await c.explain(q)
      assert.doesNotMatch(plan, /Could not get remote plan/)
      assert.match(plan, /Custom Scan \(Citus Adaptive\)/)
      // One round: the shards' pages are merged in order, with no subplan to send back.
      assert.doesNotMatch(plan, /Distributed Subplan/)
      // As many connections to a worker as Citus keeps between transactions, so none is opened
      // and closed again by each query.
      assert.match(
        plan,
        /vecs settings: .*citus\.max_adaptive_executor_pool_size = citus\.max_cached_conns_per_worker/,
      )
      assert.match(plan, /Index Scan using \S+ on planned_\d+/)
      assert.match(plan, /Limit/)
      const analyzed = await c.explain(q, { analyze: true })
      assert.match(analyzed, /actual time=/)
      // A binary index re-ranks on each shard's candidates, merged on the coordinator.
      await c.createIndex({ method: 'hnsw', quantization: 'binary', targetRecall: null })
      const binary = await c.explain(q)
      assert.match(binary, /Index Scan using ix_bit_hamming_ops_hnsw_\S+ on planned_\d+/)
      assert.match(binary, /binary_quantize\(vec\)\)::bit\(100\) <~>/)
      assert.deepEqual(await c.query({ data: stored[7] as number[], limit: 1 }), ['v7'])
      // The text-bound query vector reads as the same vector: its own row is its nearest.
      assert.deepEqual(await c.query({ data: stored[7] as number[], limit: 1, exact: true }), [
        'v7',
      ])
      assert.deepEqual(await c.query({ data: stored[7] as number[], limit: 1 }), ['v7'])
    })

    test("a build is sized for a shard, and its progress is the shards' progress", async () => {
      const c = await vx.getOrCreateCollection('sized', {
        dimension: 3,
        distributed: { shardCount: 2 },
      })
      const rows = 120_000
      await c.upsert(
        Array.from(
          { length: rows },
          (_, i) => [`r${i}`, [Math.sin(i), Math.cos(i), i % 7]] as const,
        ),
      )
      // An index for each shard's 60,000 rows, not for all 120,000 (the one-node choice: 120 lists).
      await c.createIndex({ method: 'ivfflat', targetRecall: null })
      const index = await c.getIndex()
      assert.ok(index?.method === 'ivfflat', JSON.stringify(index))
      assert.ok(index.nLists > 30 && index.nLists < 70, `${index.nLists} lists`)
      const heard: { phase: string; percent: number | null }[] = []
      await c.createIndex({
        method: 'hnsw',
        targetRecall: null,
        onProgress: (p) => heard.push({ phase: p.phase, percent: p.percent }),
      })
      const onShards = heard.filter((p) => /\(shards: \d+ of 2 done, \d+ building\)/.test(p.phase))
      assert.ok(onShards.length >= 2, JSON.stringify(heard))
      const percents = onShards.map((p) => p.percent as number)
      assert.deepEqual(
        percents,
        [...percents].sort((a, b) => a - b),
        'the percent never goes back',
      )
      assert.ok((percents.at(-1) as number) > (percents[0] as number))
      assert.deepEqual(heard.at(-1), { phase: 'done', percent: 100 })
    })

    test('a collection made on one node (as Python vecs makes them) is distributed with its rows', async () => {
      const plain = await vx.getOrCreateCollection('made', { dimension: 3 })
      assert.equal(plain.distributed, null)
      await plain.upsert([
        ['a', [1, 0, 0], {}],
        ['b', [0, 1, 0], {}],
      ])
      const sharded = await vx.getOrCreateCollection('made', {
        distributed: { shardCount: 2, colocateWith: 'none' },
      })
      assert.deepEqual(sharded.distributed, { shardCount: 2 })
      assert.equal(await sharded.count(), 2)
      assert.deepEqual(await sharded.query({ data: [1, 0, 0], limit: 1 }), ['a'])
    })
  })
}
