/**
 * Loads that build the vector index after their rows are in, instead of inserting each row into
 * it: the same index comes back (kind, arguments, quantization, tuning), every row and every other
 * index is kept, recall holds against exact search on real data (GloVe-100 words), a failure
 * leaves the collection as it was, and on a server readers keep the old table and index until
 * the load commits.
 */
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { ArgError, IndexArgsHNSW, type Collection, type Metadata } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { exactNearest } from './support/data.js'
import { loadGlove } from './support/glove.js'
import { measureRecall } from './support/recall.js'
import { warningsDuring, withCode } from './support/warnings.js'

const { vectors } = loadGlove(2600)
const first = vectors.slice(0, 500)
const loaded = vectors.slice(500, 2500)
const queries = vectors.slice(2500)
const truths = queries.map(
  (q) => new Set(exactNearest([...first, ...loaded], q, 'cosine_distance', 10)),
)

const rows = (from: number[][], offset: number, meta: (i: number) => Metadata = (i) => ({ i })) =>
  from.map((v, i) => [`v${offset + i}`, v, meta(offset + i)] as [string, number[], Metadata])

const recallAt10 = async (c: Collection, efSearch: number) =>
  (await measureRecall(c, queries, truths, { efSearch })).recall

describeEachBackend('loads that rebuild the vector index', (b) => {
  let c: Collection
  before(async () => {
    c = await b.client.getOrCreateCollection(b.uniqueName('glove'), { dimension: 100 })
    await c.upsert(rows(first, 0, (i) => ({ i, text: `word ${i}` })))
    await c.createIndex({
      method: 'hnsw',
      indexArguments: IndexArgsHNSW({ m: 8, efConstruction: 32 }),
      targetRecall: null,
    })
    await c.tune({ targetRecall: 0.9 })
    await c.createTextIndex({ key: 'text' })
  })

  test('rebuildIndex: true loads first and builds the same index, keeping rows and other indexes', async () => {
    const before = await c.stats()
    assert.ok(before.tuning !== null)
    const text = await c.getTextIndex()
    const replaced = rows(first.slice(0, 10), 0, (i) => ({ i, text: `word ${i}`, replaced: true }))
    const warnings = await warningsDuring(() =>
      c.upsert([...rows(loaded, 500), ...replaced], { rebuildIndex: true }),
    )
    const after = await c.stats()
    if (b.name === 'citus') {
      // No copy of a distributed table is made: the rows go into each shard's index, as said.
      const [warned] = withCode(warnings, 'VECS_LOADED_THROUGH_INDEX', c.name)
      assert.match(warned?.message ?? '', /2010 rows went into the vector index .* a Citus table/)
      assert.equal(after.index?.name, before.index?.name)
    } else {
      assert.notEqual(after.index?.name, before.index?.name)
      assert.deepEqual({ ...after.index, name: '' }, { ...before.index, name: '' })
      assert.equal(after.rowsAtIndexBuild, 2500)
    }
    assert.equal(after.rows, 2500)
    assert.deepEqual(after.tuning?.setting, before.tuning?.setting)
    assert.deepEqual((await c.fetch(['v3']))[0]?.metadata, { i: 3, text: 'word 3', replaced: true })
    assert.deepEqual((await c.fetch(['v2400']))[0]?.metadata, { i: 2400 })
    // The text index and the metadata index keep their names, and serve.
    const { name, key, language } = (await c.getTextIndex()) ?? {}
    assert.deepEqual(
      { name, key, language },
      { name: text?.name, key: text?.key, language: text?.language },
    )
    assert.deepEqual(await c.query({ text: 'word 7', limit: 1 }), ['v7'])
    const names = await b.raw<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`,
      [b.schema, c.name],
    )
    assert.equal(names[0]?.n, 4)
    // (A Citus shard of 1,250 rows is read whole: too few rows for its planner to use the index.)
    if (b.shards === 1) {
      const plan = await c.explain({ data: queries[0] as number[], limit: 10 })
      assert.match(plan, new RegExp(`Index Scan using ${after.index?.name}`))
    }
    const recall = await recallAt10(c, 80)
    assert.ok(recall >= 0.9, `recall@10 ${recall}`)
  })

  test('a failed load leaves the collection and its index as they were', async () => {
    const name = (await c.getIndex())?.name
    await b.raw(
      `ALTER TABLE "${b.schema}"."${c.name}" ADD CONSTRAINT no_bad CHECK (metadata->>'bad' IS NULL)`,
    )
    try {
      const bad = rows(loaded, 10_000, (i): Metadata => (i === 11_999 ? { bad: 1 } : { i }))
      await assert.rejects(c.upsert(bad, { rebuildIndex: true }), /no_bad/)
    } finally {
      await b.raw(`ALTER TABLE "${b.schema}"."${c.name}" DROP CONSTRAINT no_bad`)
    }
    assert.equal((await c.getIndex())?.name, name)
    assert.equal(await c.count(), 2500)
    const left = await b.raw(
      `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND relname LIKE '\\_vecs\\_load\\_%'`,
      [b.schema],
    )
    assert.deepEqual(left, [])
  })

  test('inside your own transaction, a rolled-back load takes its rebuild with it', async () => {
    const name = (await c.getIndex())?.name
    await b.inTransaction('rollback', async (tx) => {
      const inside = c.withTransaction(tx)
      await inside.upsert(rows(loaded.slice(0, 50), 20_000), { rebuildIndex: true })
      assert.notEqual((await inside.getIndex())?.name, name)
    })
    assert.equal((await c.getIndex())?.name, name)
    assert.equal(await c.count(), 2500)
  })

  test("'auto' rebuilds a load that outgrows the collection: IVFFlat lists chosen again", async () => {
    const small = await b.client.getOrCreateCollection(b.uniqueName('ivf'), { dimension: 8 })
    const random = (n: number, offset: number) =>
      Array.from(
        { length: n },
        (_, i) => [`r${offset + i}`, Array.from({ length: 8 }, Math.random)] as [string, number[]],
      )
    await small.upsert(random(1000, 0))
    await small.createIndex({ method: 'ivfflat', quantization: 'halfvec', targetRecall: null })
    await small.tune({ targetRecall: 0.9 })
    const before = await small.getIndex()
    assert.ok((await small.stats()).tuning !== null)
    const warnings = await warningsDuring(() => small.upsert(random(30_000, 1000))) // 31 lists
    const after = await small.getIndex()
    if (b.name === 'citus') {
      // A distributed table is not copied: the load went through the index, which stays.
      assert.equal(withCode(warnings, 'VECS_LOADED_THROUGH_INDEX', small.name).length, 1)
      assert.deepEqual(after, before)
      assert.equal(await small.count(), 31_000)
      return
    }
    assert.notEqual(after?.name, before?.name)
    assert.equal(after?.quantization, 'halfvec')
    assert.equal(after?.method, 'ivfflat')
    assert.ok(
      after?.method === 'ivfflat' && before?.method === 'ivfflat' && after.nLists > before.nLists,
    )
    // The tuning measured the old lists; it is dropped, and tuning is advised.
    const stats = await small.stats()
    assert.equal(stats.tuning, null)
    assert.ok(
      stats.advice.some((a) => a.code === 'VECS_RETUNE_ADVISED'),
      JSON.stringify(stats.advice),
    )
    // Loads below the rule's 5,000 rows, and any load with rebuildIndex: false, go through it.
    await small.upsert(random(2500, 40_000))
    await small.upsert(random(12_000, 50_000), { rebuildIndex: false })
    assert.equal((await small.getIndex())?.name, after?.name)
    assert.equal(await small.count(), 45_500)
  })

  test('rebuildIndex takes auto, true or false', async () => {
    await assert.rejects(c.upsert([], { rebuildIndex: 'yes' as never }), ArgError)
  })

  if (b.name !== 'server') return

  test('server: readers keep the old table and index until the load commits; writers wait', async () => {
    const side = await b.connect()
    const seen = await side.getCollection(c.name)
    const oldName = (await c.getIndex())?.name
    let load: Promise<void> | undefined
    let write: Promise<void> | undefined
    await b.inTransaction('commit', async (_tx, query) => {
      // A long reader holds the table: the load builds beside it and waits for it only to swap,
      // without making the readers after it queue.
      await query(`SELECT count(*) FROM "${b.schema}"."${c.name}"`)
      load = c.upsert(rows(loaded.slice(0, 1000), 30_000), { rebuildIndex: true })
      await waitForSwap(b.raw)
      assert.equal(await seen.count(), 2500)
      assert.equal((await seen.getIndex())?.name, oldName)
      write = seen.upsert([['late', loaded[0] as number[], {}]])
      const state = await Promise.race([
        write.then(() => 'written'),
        sleep(500).then(() => 'waiting'),
      ])
      assert.equal(state, 'waiting')
    })
    await load
    await write
    assert.equal(await c.count(), 3501)
    assert.equal((await c.fetch(['late'])).length, 1)
    assert.notEqual((await c.getIndex())?.name, oldName)
  })

  test('server: a table with a view on it loads through the index, with a warning', async () => {
    const viewed = await b.client.getOrCreateCollection(b.uniqueName('viewed'), { dimension: 100 })
    await viewed.upsert(rows(first.slice(0, 100), 0))
    await viewed.createIndex({ method: 'hnsw', targetRecall: null })
    const table = `"${b.schema}"."${viewed.name}"`
    await b.raw(`CREATE VIEW "${b.schema}"."${viewed.name}_ids" AS SELECT id FROM ${table}`)
    await b.raw(`ALTER TABLE ${table} SET (fillfactor = 90)`)
    const name = (await viewed.getIndex())?.name
    const warnings = await warningsDuring(() =>
      viewed.upsert(rows(first.slice(100, 300), 100), { rebuildIndex: true }),
    )
    const warned = withCode(warnings, 'VECS_LOADED_THROUGH_INDEX', viewed.name)
    assert.equal(warned.length, 1)
    assert.match(warned[0]?.message ?? '', /views or rules depend on it/)
    assert.equal((await viewed.getIndex())?.name, name)
    const [view] = await b.raw<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${b.schema}"."${viewed.name}_ids"`,
    )
    assert.equal(view?.n, 300)
    // Without the view, the copy carries the table's storage options and comment.
    await b.raw(`DROP VIEW "${b.schema}"."${viewed.name}_ids"`)
    await b.raw(`COMMENT ON TABLE ${table} IS 'kept'`)
    await viewed.upsert(rows(first.slice(300, 400), 300), { rebuildIndex: true })
    assert.notEqual((await viewed.getIndex())?.name, name)
    const [kept] = await b.raw<{ options: string[]; comment: string }>(
      `SELECT reloptions AS options, obj_description('${table}'::regclass, 'pg_class') AS comment
       FROM pg_class WHERE oid = '${table}'::regclass`,
    )
    assert.deepEqual(kept, { options: ['fillfactor=90'], comment: 'kept' })
  })
})

/** Waits until a load has reached its swap: asking for the table with a lock timeout, again and again. */
async function waitForSwap(raw: (sql: string) => Promise<unknown[]>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const waiting = await raw(
      `SELECT pid FROM pg_stat_activity WHERE query LIKE '%vecs_swap%' OR query LIKE '%ACCESS EXCLUSIVE MODE'`,
    )
    if (waiting.length > 0) return
    await sleep(100)
  }
  throw new Error('the load never reached its swap')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
