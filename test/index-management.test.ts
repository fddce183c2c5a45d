import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  IndexArgsHNSW,
  IndexArgsIVFFlat,
  VecsError,
  type Collection,
  type IndexProgress,
} from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { warningsDuring, withCode } from './support/warnings.js'
import { exactNearest, randomVectors, seeded } from './support/data.js'

describeEachBackend('index management', (b) => {
  const filled = async (
    n: number,
    dim = 8,
    seed = 3,
  ): Promise<{ c: Collection; vectors: number[][] }> => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: dim })
    const vectors = randomVectors(n, dim, seed)
    const next = seeded(seed)
    await c.upsert(vectors.map((v, i) => [`v${i}`, v, { i, bucket: Math.floor(next() * 100) }]))
    return { c, vectors }
  }

  test('a build that fails at the default maintenance_work_mem succeeds through vecs', async () => {
    // Each shard builds its own index: on Citus each holds what one server would.
    const { c } = await filled(20_000 * b.shards, 4)
    const table = `"${c.schema}"."${c.name}"`
    await assert.rejects(
      b.raw(
        `CREATE INDEX raw_ivf ON ${table} USING ivfflat (vec vector_l2_ops) WITH (lists = 1000)`,
      ),
      /memory required is \d+ MB, maintenance_work_mem is 64 MB/,
    )
    await c.createIndex({
      method: 'ivfflat',
      measure: 'l2_distance',
      indexArguments: IndexArgsIVFFlat({ nLists: 1000 }),
    })
    assert.equal((await c.getIndex())?.method, 'ivfflat')
    const [setting] = await b.raw<{ m: string }>(
      `SELECT current_setting('maintenance_work_mem') AS m`,
    )
    assert.equal(setting?.m, '64MB', 'the larger setting stayed local to the build')
  })

  test('a failed build leaves the previous index in place', async () => {
    const { c } = await filled(20_000 * b.shards, 4, 5)
    await c.createIndex()
    const before = await c.getIndex()
    const error = await c
      .createIndex({
        method: 'ivfflat',
        indexArguments: IndexArgsIVFFlat({ nLists: 1000 }),
        maxMaintenanceWorkMem: '16MB',
      })
      .catch((e: Error) => e)
    assert.ok(error instanceof VecsError, String(error))
    assert.match(error.message, /needs about \d+ MB .*maxMaintenanceWorkMem/)
    assert.deepEqual(await c.getIndex(), before)
  })

  test('maxMaintenanceWorkMem is checked before any SQL', async () => {
    const { c } = await filled(10)
    for (const bad of ['lots', '1KB', -5, 0, '3PB']) {
      await assert.rejects(c.createIndex({ maxMaintenanceWorkMem: bad }), /maxMaintenanceWorkMem/)
    }
    await assert.rejects(c.createIndex({ onProgress: 'yes' as never }), /onProgress/)
    await assert.rejects(c.createIndex({ concurrently: 1 as never }), /concurrently/)
    await assert.rejects(c.createIndex({ lists: 10 } as never), /unknown createIndex option: lists/)
  })

  test('onProgress reports the build and its tuning, ending at 100 percent', async () => {
    const { c } = await filled(2000)
    const events: IndexProgress[] = []
    await c.createIndex({ onProgress: (p) => events.push(p) })
    assert.ok(events.length >= 1)
    assert.equal(events.at(-1)?.percent, 100, JSON.stringify(events.at(-1)))
    // Tuned, or not tuned for its cost: either way progress says so last.
    assert.match(events.at(-1)?.phase ?? '', /^(tuned|not tuned: over budget)$/)
    for (const e of events) assert.equal(typeof e.phase, 'string')
    if (b.name === 'pglite') {
      assert.deepEqual(events[0], {
        phase: 'building index (one session: no progress until it ends)',
        percent: null,
      })
    }
  })

  test('concurrently builds the new index, then drops the old one', async () => {
    const { c } = await filled(500)
    await c.createIndex()
    await c.createIndex({ method: 'ivfflat', concurrently: true })
    assert.equal((await c.getIndex())?.method, 'ivfflat')
    const rows = await b.raw<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexdef ~ 'USING (hnsw|ivfflat)'`,
      [c.schema, c.name],
    )
    assert.equal(rows[0]?.n, 1)
  })

  for (const method of ['hnsw', 'ivfflat'] as const) {
    for (const selectivity of [1, 3, 5]) {
      test(`${method}: a filter matching ${selectivity}% of 4000 rows still returns full pages, nearest first`, async () => {
        const { c, vectors } = await filled(4000, 8, 20 + selectivity)
        await c.createIndex({ method })
        const matching = (await c.fetch(vectors.map((_, i) => `v${i}`))).filter(
          (r) => (r.metadata.bucket as number) < selectivity,
        )
        assert.ok(matching.length >= 20, `only ${matching.length} rows match`)
        const matchingVectors = matching.map((r) => r.vector)
        for (const q of randomVectors(5, 8, 100 + selectivity)) {
          const rows = await c.query({
            data: q,
            limit: 20,
            filters: { bucket: { $lt: selectivity } },
            includeValue: true,
          })
          assert.equal(rows.length, 20)
          const values = rows.map((r) => r.value as number)
          assert.deepEqual(
            values,
            [...values].sort((x, y) => x - y),
            'rows come back nearest first',
          )
          const truth = new Set(
            exactNearest(matchingVectors, q, 'cosine_distance', 20).map(
              (id) => matching[Number(id.slice(1))]?.id,
            ),
          )
          const recall = rows.filter((r) => truth.has(r.id)).length / 20
          assert.ok(recall >= 0.8, `recall ${recall}`)
        }
      })
    }
  }

  test('a filter matching fewer rows than the limit returns every matching row', async () => {
    const { c } = await filled(2000)
    await c.createIndex()
    const rows = await c.query({
      data: randomVectors(1, 8, 9)[0] as number[],
      limit: 50,
      filters: { i: { $lt: 7 } },
    })
    assert.deepEqual([...rows].sort(), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'])
  })

  test('explain shows the plan of the query: a sequential scan without an index, the index after', async () => {
    const { c, vectors } = await filled(3000 * b.shards)
    const q = { data: vectors[0] as number[], limit: 5 }
    assert.match(await c.explain(q), /Seq Scan/)
    await c.createIndex()
    const plan = await c.explain(q)
    assert.match(plan, new RegExp(`Index Scan using ${(await c.getIndex())?.name}`))
    assert.doesNotMatch(plan, /actual time/)
    assert.match(await c.explain(q, { analyze: true }), /actual time/)
    await assert.rejects(c.explain({ ...q, limit: 0 }), /limit/)
  })

  test('exact: true ranks every row past the index: exact answers, a sequential plan, no warning', async () => {
    const { c, vectors } = await filled(3000 * b.shards)
    await c.createIndex({ method: 'ivfflat', indexArguments: IndexArgsIVFFlat({ nLists: 50 }) })
    const queries = randomVectors(20, 8, 1234)
    let approximateMisses = 0
    for (const q of queries) {
      const truth = exactNearest(vectors, q, 'cosine_distance', 10)
      const exact = await c.query({ data: q, limit: 10, exact: true })
      assert.deepEqual(exact, truth)
      const approximate = await c.query({ data: q, limit: 10, probes: 1 })
      approximateMisses += truth.filter((id) => !approximate.includes(id)).length
    }
    // probes=1 of 50 lists misses neighbours: the exact answers above did not come from the index.
    assert.ok(approximateMisses > 0, 'probes=1 found every neighbour')
    const plan = await c.explain({ data: queries[0] as number[], exact: true })
    assert.doesNotMatch(plan, /Index Scan using/)
    const filtered = await c.query({
      data: queries[1] as number[],
      limit: 5,
      exact: true,
      filters: { bucket: { $lt: 10 } },
      includeMetadata: true,
    })
    assert.equal(filtered.length, 5)
    for (const row of filtered) assert.ok((row.metadata?.bucket as number) < 10)
    const { c: bare } = await filled(50)
    const warnings = await warningsDuring(() =>
      bare.query({ data: vectors[0] as number[], exact: true }),
    )
    assert.equal(withCode(warnings, 'VECS_NO_COVERING_INDEX', bare.name).length, 0)
    await assert.rejects(c.query({ data: vectors[0] as number[], exact: 1 as never }), /exact/)
  })

  test('stats() reports rows, sizes, the index and advice that follows the collection', async () => {
    const { c } = await filled(1000)
    const before = await c.stats()
    assert.equal(before.rows, 1000)
    assert.ok(before.tableBytes > 1000 * 8 * 4, `table ${before.tableBytes}`)
    assert.ok(before.indexBytes > 0)
    assert.equal(before.vectorIndexBytes, null)
    assert.equal(before.index, null)
    assert.deepEqual(
      before.advice.map((a) => a.code),
      ['VECS_NO_COVERING_INDEX'],
    )
    // Untuned: whether tuning fits the build's budget depends on the machine (test/tuning.test.ts).
    await c.createIndex({
      method: 'ivfflat',
      indexArguments: IndexArgsIVFFlat({ nLists: 20 }),
      targetRecall: null,
    })
    const built = await c.stats()
    assert.equal(built.index?.method, 'ivfflat')
    assert.equal(built.rowsAtIndexBuild, 1000)
    assert.ok((built.vectorIndexBytes as number) > 0)
    assert.ok(built.indexBytes > before.indexBytes + (built.vectorIndexBytes as number) - 1)
    assert.deepEqual(built.advice, [])
    await c.upsert(randomVectors(1500, 8, 5).map((v, i) => [`more${i}`, v, {}]))
    const grown = await c.stats()
    assert.equal(grown.rows, 2500)
    assert.deepEqual(
      grown.advice.map((a) => a.code),
      ['VECS_REINDEX_ADVISED'],
    )
    assert.match(grown.advice[0]?.message ?? '', /1000 rows .* 2500/)
  })

  test('building IVFFlat on too little data warns VECS_IVFFLAT_LOW_DATA', async () => {
    const { c } = await filled(100)
    const warnings = await warningsDuring(() => c.createIndex({ method: 'ivfflat' }))
    assert.equal(withCode(warnings, 'VECS_IVFFLAT_LOW_DATA', c.name).length, 1)
    const { c: big } = await filled(400)
    const quiet = await warningsDuring(() =>
      big.createIndex({ method: 'ivfflat', indexArguments: IndexArgsIVFFlat({ nLists: 10 }) }),
    )
    assert.equal(withCode(quiet, 'VECS_IVFFLAT_LOW_DATA', big.name).length, 0)
  })

  test('after the rows more than double, queries advise a reindex once, and reindex() rebuilds with fresh lists', async () => {
    const { c } = await filled(1000)
    await c.createIndex({ method: 'ivfflat' })
    const vectors = randomVectors(2500, 8, 77)
    await c.upsert(vectors.map((v, i) => [`new${i}`, v, { i }]))
    await b.raw(`ANALYZE "${c.schema}"."${c.name}"`)
    const warnings = await warningsDuring(async () => {
      await c.query({ data: vectors[0] as number[] })
      await c.query({ data: vectors[1] as number[] })
    })
    const advised = withCode(warnings, 'VECS_REINDEX_ADVISED', c.name)
    assert.equal(advised.length, 1)
    // A catalog estimate, not a count: ANALYZE's 3500, or more while insert statistics catch up.
    const about = Number(
      /from 1000 rows to about (\d+) .*reindex\(\)/.exec(advised[0]?.message ?? '')?.[1],
    )
    assert.ok(about >= 3500, `estimate ${about}`)
    await c.reindex()
    assert.equal((await c.getIndex())?.method, 'ivfflat')
    const after = await warningsDuring(() => c.query({ data: vectors[2] as number[] }))
    assert.equal(withCode(after, 'VECS_REINDEX_ADVISED', c.name).length, 0)
  })

  test('reindex keeps the method, measure and given arguments', async () => {
    const { c } = await filled(300)
    await c.createIndex({
      method: 'hnsw',
      measure: 'l1_distance',
      indexArguments: IndexArgsHNSW({ m: 8, efConstruction: 40 }),
    })
    const before = await c.getIndex()
    await c.reindex()
    const after = await c.getIndex()
    assert.notEqual(after?.name, before?.name)
    assert.deepEqual({ ...after, name: '' }, { ...before, name: '' })
    const empty = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await assert.rejects(empty.reindex(), /no vector index/)
  })

  test('the build note survives in the index comment, readable by any client', async () => {
    const { c } = await filled(1234)
    await c.createIndex({ method: 'ivfflat' })
    const [row] = await b.raw<{ comment: string }>(
      `SELECT obj_description(format('%I.%I', $1::text, $2::text)::regclass, 'pg_class') AS comment`,
      [c.schema, (await c.getIndex())?.name],
    )
    // Then what tuning measured, or that tuning is advised (a build too quick to tune within budget).
    assert.match(
      row?.comment ?? '',
      /^vecs rows=1234 lists=auto( workers=\d+)? (setting=\d+ target=0\.95 recall=[01]\.\d{4} reached=(yes|no) queries=\d+ limit=10 tuned_rows=1234 at=\S+( force_index=yes)?( filtered=\S+ exact_ms=[\d.]+( filtered_partial=yes)?)?|tune=advised)$/,
    )
  })
})
