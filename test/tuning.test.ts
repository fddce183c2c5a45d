/**
 * Recall you can ask for: an index is tuned to a target recall against exact search, the setting
 * is kept with the index and used by queries, and the collection says when to tune again. Real
 * data: GloVe-100 words (data/): of the first 5,200, every 26th (200 words) is held out as a query
 * the collection has never seen, the other 5,000 are stored; ground truth computed here in JS.
 */
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { ArgError, type Collection, type IndexProgress } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { exactNearest } from './support/data.js'
import { loadGlove } from './support/glove.js'
import { warningsDuring, withCode } from './support/warnings.js'

const { vectors } = loadGlove(5200)
const stored = vectors.filter((_, i) => i % 26 !== 25)
const heldOut = vectors.filter((_, i) => i % 26 === 25)
const truths = heldOut.map((q) => new Set(exactNearest(stored, q, 'cosine_distance', 10)))

/** recall@10 of default queries (no efSearch, no probes) on the held-out words. */
async function heldOutRecall(c: Collection, options: { limit?: number } = {}): Promise<number> {
  let hits = 0
  for (const [i, q] of heldOut.entries()) {
    const found = (await c.query({ data: q, limit: options.limit ?? 10 })) as string[]
    hits += found.slice(0, 10).filter((id) => truths[i]?.has(id)).length
  }
  return hits / (heldOut.length * 10)
}

/** The value of a setting in the `vecs settings:` line of `explain()`. */
async function settingInPlan(c: Collection, name: string, limit = 10): Promise<number | null> {
  const plan = await c.explain({ data: heldOut[0] as number[], limit })
  const match = new RegExp(`${name.replace('.', '\\.')} = (\\d+)`).exec(plan)
  return match ? Number(match[1]) : null
}

/**
 * Builds with the default target; where measuring did not fit the build's budget on this machine
 * (the build says so with VECS_RETUNE_ADVISED), tunes explicitly, so the test goes on either way.
 */
async function buildTuned(c: Collection, options: Parameters<Collection['createIndex']>[0]) {
  await c.createIndex(options)
  const { tuning, advice } = await c.stats()
  if (tuning !== null && advice.length === 0) return
  assert.deepEqual(
    (await c.stats()).advice.map((a) => a.code),
    ['VECS_RETUNE_ADVISED'],
  )
  await c.tune()
}

describeEachBackend('tuning to a target recall', (b) => {
  let c: Collection
  before(async () => {
    c = await b.client.getOrCreateCollection(b.uniqueName('tuned'), { dimension: 100 })
    await c.upsert(stored.map((v, i) => [`v${i}`, v]))
  })

  test('createIndex() tunes HNSW to 0.95 by default (or says why not): kept, used by queries, held on unseen words', async (t) => {
    const phases: string[] = []
    const warnings = await warningsDuring(() =>
      c.createIndex({ method: 'hnsw', onProgress: (p: IndexProgress) => phases.push(p.phase) }),
    )
    if ((await c.stats()).tuning === null) {
      // Measuring did not fit the build's budget on this machine: the build says so, and tune() does it.
      t.diagnostic('the build skipped tuning for its cost; tune() measures instead')
      assert.equal(withCode(warnings, 'VECS_RETUNE_ADVISED', c.name).length, 1)
      assert.deepEqual(
        (await c.stats()).advice.map((a) => a.code),
        ['VECS_RETUNE_ADVISED'],
      )
      assert.equal(await settingInPlan(c, 'hnsw.ef_search'), 40, 'fixed rules meanwhile')
      await c.tune({ onProgress: (p: IndexProgress) => phases.push(p.phase) })
    } else if ((await c.stats()).tuning?.filtered?.complete === false) {
      // Filtered queries did not all fit the budget: the build says so, and tune() measures them.
      t.diagnostic('the build measured filtered queries in part; tune() measures them all')
      assert.equal(withCode(warnings, 'VECS_RETUNE_ADVISED', c.name).length, 1)
      await c.tune()
    } else {
      assert.deepEqual(withCode(warnings, 'VECS_RETUNE_ADVISED', c.name), [])
    }
    const { tuning } = await c.stats()
    assert.ok(tuning, 'the index is tuned')
    t.diagnostic(JSON.stringify(tuning))
    assert.equal(tuning.setting, 'hnsw.ef_search')
    assert.equal(tuning.targetRecall, 0.95)
    assert.equal(tuning.reached, true)
    assert.ok(tuning.recall >= 0.95 && tuning.recall <= 1, `measured ${tuning.recall}`)
    assert.ok(tuning.queries >= 40 && tuning.queries <= 200, `${tuning.queries} queries`)
    assert.deepEqual((await c.stats()).advice, [])
    assert.equal(tuning.rows, 5000)
    assert.ok(Math.abs(Date.parse(tuning.measuredAt) - Date.now()) < 600_000)
    assert.ok(phases.includes('exact search') && phases.includes('tuned'), phases.join(', '))
    // Queries use the tuned value, and it holds on words the collection has never seen.
    assert.equal(await settingInPlan(c, 'hnsw.ef_search'), tuning.value)
    const recall = await heldOutRecall(c)
    t.diagnostic(`held-out recall@10 at ef_search ${tuning.value}: ${recall.toFixed(3)}`)
    assert.ok(recall >= 0.95, `held-out recall@10 ${recall}`)
    // Any client sees the same tuning: it lives in the database, with the index.
    const again = await b.client.getCollection(c.name)
    assert.deepEqual((await again.stats()).tuning, tuning)
  })

  test('a higher target costs a larger setting and reaches it on unseen words; efSearch still wins', async (t) => {
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    assert.equal((await c.stats()).tuning, null, 'null keeps fixed rules')
    assert.equal(await settingInPlan(c, 'hnsw.ef_search'), 40)
    const low = await c.tune({ targetRecall: 0.9 })
    // 0.9 is under what pgvector's default ef_search of 40 gives here, which tuning never goes below.
    const high = await c.tune({ targetRecall: 0.999 })
    t.diagnostic(`0.9 → ef_search ${low.value}, 0.999 → ef_search ${high.value}`)
    assert.equal(low.value, 40)
    assert.ok(high.value > low.value, `${high.value} > ${low.value}`)
    assert.equal(high.reached, true)
    assert.equal((await c.stats()).tuning?.value, high.value)
    const recall = await heldOutRecall(c)
    assert.ok(recall >= 0.98, `held-out recall@10 at ${high.value}: ${recall}`)
    const plan = await c.explain({ data: heldOut[0] as number[], limit: 10, efSearch: 7 })
    assert.match(plan, /hnsw\.ef_search = 7\b/)
    // A page ten times larger gets about ten times the candidates, full pages included.
    const scaled = await settingInPlan(c, 'hnsw.ef_search', 100)
    assert.equal(scaled, Math.min(1000, high.value * 10))
    assert.equal((await c.query({ data: heldOut[1] as number[], limit: 100 })).length, 100)
  })

  test('IVFFlat is tuned by its probes; queries given by the user are measured as they are', async (t) => {
    await c.createIndex({ method: 'ivfflat' })
    if ((await c.stats()).tuning === null) {
      // Too quick a build to afford measuring: until tune(), probes aimed at the target.
      const { nLists } = (await c.getIndex()) as { nLists: number }
      const interim = await settingInPlan(c, 'ivfflat.probes')
      assert.equal(interim, Math.round(2 * Math.sqrt(nLists)))
      const recall = await heldOutRecall(c)
      t.diagnostic(`untuned IVFFlat, probes ${interim} of ${nLists}: held-out ${recall.toFixed(3)}`)
      assert.ok(recall >= 0.95, `held-out recall@10 at the interim probes ${recall}`)
      await c.tune()
    }
    const tuning = (await c.stats()).tuning
    assert.ok(tuning, 'the build tuned the index')
    assert.equal(tuning.setting, 'ivfflat.probes')
    const lists = (await c.getIndex()) as { nLists: number }
    assert.ok(tuning.value >= 1 && tuning.value <= lists.nLists, `probes ${tuning.value}`)
    assert.equal(await settingInPlan(c, 'ivfflat.probes'), tuning.value)
    const recall = await heldOutRecall(c)
    t.diagnostic(
      `IVFFlat probes ${tuning.value} of ${lists.nLists}: held-out recall@10 ${recall.toFixed(3)}`,
    )
    assert.ok(recall >= 0.95, `held-out recall@10 ${recall}`)

    const given = await c.tune({ queries: heldOut.slice(0, 100), targetRecall: 0.95 })
    assert.equal(given.queries, 100)
    assert.ok(given.recall >= 0.95, `measured on given queries ${given.recall}`)
  })

  test('growth past 1.5 times the rows it was tuned on advises tuning again; tune() clears it', async () => {
    const small = await b.client.getOrCreateCollection(b.uniqueName('grow'), { dimension: 100 })
    await small.upsert(stored.slice(0, 1000).map((v, i) => [`w${i}`, v]))
    await buildTuned(small, { method: 'hnsw' })
    assert.equal((await small.stats()).tuning?.rows, 1000)
    assert.deepEqual((await small.stats()).advice, [])
    await small.upsert(stored.slice(1000, 1600).map((v, i) => [`x${i}`, v]))
    const advice = (await small.stats()).advice
    assert.deepEqual(
      advice.map((a) => a.code),
      ['VECS_RETUNE_ADVISED'],
    )
    assert.match(advice[0]?.message ?? '', /tuned on 1000/)
    await small.tune()
    assert.deepEqual((await small.stats()).advice, [])
    assert.equal((await small.stats()).tuning?.rows, 1600)
  })

  test('reindex() tunes the new index afresh (or says it could not afford to)', async () => {
    await c.createIndex({ method: 'hnsw', targetRecall: null })
    assert.equal((await c.stats()).tuning, null)
    assert.deepEqual((await c.stats()).advice, [])
    await c.reindex()
    const { tuning, advice } = await c.stats()
    if (tuning === null)
      assert.deepEqual(
        advice.map((a) => a.code),
        ['VECS_RETUNE_ADVISED'],
      )
    else assert.equal(tuning.setting, 'hnsw.ef_search')
  })

  test('bad tuning options are ArgErrors before any work', async () => {
    const bare = await b.client.getOrCreateCollection(b.uniqueName('bare'), { dimension: 100 })
    await bare.upsert(stored.slice(0, 50).map((v, i) => [`b${i}`, v]))
    await assert.rejects(bare.tune(), /no vector index to tune/)
    await bare.createIndex({ method: 'hnsw', targetRecall: null })
    for (const options of [
      { targetRecall: 1 },
      { targetRecall: 0 },
      { targetRecall: '0.9' },
      { queries: 5 },
      { queries: 2.5 },
      { queries: [[1, 2, 3]] },
      { limit: 0 },
      { onProgress: 5 },
      { rerank: 2 },
    ]) {
      await assert.rejects(bare.tune(options as never), ArgError, JSON.stringify(options))
    }
    await assert.rejects(bare.createIndex({ targetRecall: 2 }), ArgError)
    assert.equal((await bare.stats()).tuning, null)
  })

  test('a build whose tuning would cost more than its budget says so, and keeps fixed rules', async () => {
    // A collection too small to measure: tuning is skipped quietly (every setting is exact there).
    const tiny = await b.client.getOrCreateCollection(b.uniqueName('tiny'), { dimension: 100 })
    await tiny.upsert(stored.slice(0, 8).map((v, i) => [`t${i}`, v]))
    const warnings = await warningsDuring(() => tiny.createIndex({ method: 'hnsw' }))
    assert.deepEqual(withCode(warnings, 'VECS_RETUNE_ADVISED', tiny.name), [])
    assert.equal((await tiny.stats()).tuning, null)
    await assert.rejects(tiny.tune(), /tuning needs more than/)
  })
})
