import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkQuery } from '../../src/query/query-options.js'
import { planSearch, type ServerFeatures } from '../../src/query/plan.js'
import { compile } from '../../src/sql/fragment.js'
import { selectNearest } from '../../src/sql/nearest.js'
import { readSettingsOn, setLocal } from '../../src/sql/settings.js'
import type { CurrentIndex } from '../../src/vector-index/read.js'
import { hnswIndex, TABLE } from '../support/indexes.js'

const table = TABLE
const vec = Buffer.alloc(12)
const hnsw = hnswIndex()
const ivfflat: CurrentIndex = {
  info: {
    name: 'ix',
    method: 'ivfflat',
    measure: 'cosine_distance',
    quantization: 'none',
    nLists: 100,
  },
  note: null,
}
// A user's pool whose sessions keep the server's defaults (assumeDefaultSettings).
const known: ServerFeatures = {
  iterativeScans: true,
  ownsSessions: false,
  sessionDefaults: { 'hnsw.ef_search': '40', 'ivfflat.probes': '1' },
  citus: false,
}
const unknown: ServerFeatures = {
  iterativeScans: true,
  ownsSessions: false,
  sessionDefaults: null,
  citus: false,
}
const owned: ServerFeatures = {
  iterativeScans: true,
  ownsSessions: true,
  sessionDefaults: null,
  citus: false,
}
const plan = (q: object, index: CurrentIndex | null, features: ServerFeatures = known) =>
  planSearch(table, checkQuery({ data: [1, 2], ...q }), vec, index, features)

test('on a user pool an unfiltered HNSW query is one plain statement that needs only ef_search', () => {
  const p = plan({ limit: 10 }, hnsw)
  assert.deepEqual(p.search, { 'hnsw.ef_search': '40' })
  assert.deepEqual(p.planner, {})
  assert.doesNotMatch(p.statement.text, /MATERIALIZED/)
})

test('on a user pool a short unfiltered page is retried by an iterative scan, then exactly', () => {
  const [iterative, exact, ...rest] = plan({ limit: 10 }, hnsw).fallbacks
  assert.deepEqual(iterative?.search, {
    'hnsw.ef_search': '40',
    'hnsw.iterative_scan': 'relaxed_order',
  })
  assert.match(iterative?.statement.text ?? '', /^WITH hits AS MATERIALIZED/)
  assert.match(iterative?.statement.text ?? '', /ORDER BY hits\.value \+ 0$/)
  assert.deepEqual(exact?.search, {})
  assert.deepEqual(exact?.planner, {}, 'one statement, no transaction')
  assert.equal(exact?.exact, true)
  assert.match(exact?.statement.text ?? '', /ORDER BY \(vec <=> \$1::vector\) \+ 0 LIMIT/)
  assert.doesNotMatch(exact?.statement.text ?? '', /MATERIALIZED/)
  assert.deepEqual(rest, [])
  const ivf = plan({}, ivfflat).fallbacks[0]
  assert.deepEqual(ivf?.search, {
    'ivfflat.probes': '10',
    'ivfflat.iterative_scan': 'relaxed_order',
  })
  const old = plan({}, hnsw, { ...known, iterativeScans: false }).fallbacks
  assert.deepEqual(
    old.map((f) => f.exact),
    [true],
  )
})

test('on sessions vecs owns every index scan is iterative, so one setting serves every query', () => {
  const unfiltered = plan({}, hnsw, owned)
  const filtered = plan({ filters: { a: 1 } }, hnsw, owned)
  for (const p of [unfiltered, filtered]) {
    assert.deepEqual(p.search, { 'hnsw.ef_search': '40', 'hnsw.iterative_scan': 'relaxed_order' })
    assert.match(p.statement.text, /^WITH hits AS MATERIALIZED/)
    assert.deepEqual(
      p.fallbacks.map((f) => f.exact),
      [true],
    )
  }
  // A scan that must not iterate says so: the session may hold relaxed_order from the last query.
  assert.deepEqual(plan({ limit: 11, efSearch: 1 }, hnsw, owned).search, {
    'hnsw.ef_search': '1',
    'hnsw.iterative_scan': 'off',
  })
  // Without iterative scans (pgvector < 0.8) nothing names them.
  assert.deepEqual(plan({}, ivfflat, { ...owned, iterativeScans: false }).search, {
    'ivfflat.probes': '10',
  })
})

test("an efSearch below the limit is the caller's choice and is not redone", () => {
  assert.deepEqual(plan({ limit: 11, efSearch: 1 }, hnsw).fallbacks, [])
  assert.equal(plan({ limit: 11, efSearch: 11 }, hnsw).fallbacks.length, 2)
})

test('exact queries and queries no index serves have nothing to fall back to', () => {
  assert.deepEqual(plan({ exact: true }, hnsw).fallbacks, [])
  assert.deepEqual(plan({ exact: true }, hnsw).planner, {})
  assert.equal(plan({ exact: true }, hnsw).exact, true)
  assert.deepEqual(plan({ exact: true }, hnsw, owned).search, {})
  assert.deepEqual(plan({}, null).fallbacks, [])
})

test('ef_search grows with the limit, and a given efSearch is always set', () => {
  assert.deepEqual(plan({ limit: 100 }, hnsw).search, { 'hnsw.ef_search': '100' })
  assert.deepEqual(plan({ efSearch: 40 }, hnsw, unknown).search, { 'hnsw.ef_search': '40' })
})

test('IVFFlat probes default to round(sqrt(lists)), twice that while a skipped tuning is advised', () => {
  assert.deepEqual(plan({}, ivfflat).search, { 'ivfflat.probes': '10' })
  assert.deepEqual(plan({ probes: 3 }, ivfflat).search, { 'ivfflat.probes': '3' })
  const advised = { ...ivfflat, note: { rows: 100_000, autoLists: true, tuneAdvised: true } }
  assert.deepEqual(plan({}, advised).search, { 'ivfflat.probes': '20' })
  assert.deepEqual(plan({ probes: 3 }, advised).search, { 'ivfflat.probes': '3' })
  const few = { info: { ...ivfflat.info, nLists: 2 }, note: advised.note } as CurrentIndex
  assert.deepEqual(plan({}, few).search, { 'ivfflat.probes': '2' }, 'never past the lists')
})

test('a query no index serves sets nothing', () => {
  assert.deepEqual(plan({}, null).runsWith, {})
  assert.deepEqual(plan({ measure: 'l2_distance' }, hnsw).runsWith, {})
  assert.deepEqual(plan({ measure: 'l2_distance' }, hnsw, owned).runsWith, {})
})

test('a filtered query through an index scans iteratively, re-sorts, and can fall back to exact', () => {
  const filtered = plan({ filters: { a: 1 } }, hnsw)
  assert.deepEqual(filtered.search, {
    'hnsw.ef_search': '40',
    'hnsw.iterative_scan': 'relaxed_order',
  })
  assert.match(filtered.statement.text, /^WITH hits AS MATERIALIZED/)
  assert.deepEqual(
    filtered.fallbacks.map((f) => f.exact),
    [true],
  )
  const old = plan({ filters: { a: 1 } }, hnsw, { ...known, iterativeScans: false })
  assert.deepEqual(old.search, { 'hnsw.ef_search': '40' })
  assert.doesNotMatch(old.statement.text, /MATERIALIZED/)
  assert.deepEqual(
    old.fallbacks.map((f) => f.exact),
    [true],
  )
})

test('SET LOCAL statements take no parameters: checked integers and quoted words only', () => {
  assert.deepEqual(
    compile(setLocal({ 'hnsw.ef_search': '40', 'hnsw.iterative_scan': 'relaxed_order' })),
    {
      text: "SET LOCAL hnsw.ef_search = 40; SET LOCAL hnsw.iterative_scan = 'relaxed_order'",
      values: [],
    },
  )
  assert.throws(() => setLocal({ 'hnsw.ef_search': '40; DROP TABLE x' }), TypeError)
  assert.throws(() => setLocal({ enable_indexscan: "off'; DROP TABLE x; --" }), TypeError)
  assert.equal(compile(setLocal({})).text, '')
})

test('on a Citus table a read sets its settings for the shards, and its connections a worker', () => {
  const settings = readSettingsOn({ shards: 4 }, { 'hnsw.ef_search': '40' })
  assert.deepEqual(compile(setLocal(settings)), {
    text:
      "SET LOCAL citus.propagate_set_commands = 'local'; " +
      "SELECT set_config('citus.max_adaptive_executor_pool_size', " +
      "current_setting('citus.max_cached_conns_per_worker'), true); " +
      'SET LOCAL hnsw.ef_search = 40',
    values: [],
  })
  assert.deepEqual(readSettingsOn({}, { 'hnsw.ef_search': '40' }), { 'hnsw.ef_search': '40' })
  assert.throws(
    () => setLocal({ 'citus.max_adaptive_executor_pool_size': "x'); DROP TABLE y; --" }),
    TypeError,
  )
})

test('a plain query statement is the compiled selectNearest, reused with each query’s vector and limit', () => {
  const other = Buffer.alloc(12, 1)
  const first = plan({ limit: 5, includeValue: true }, hnsw)
  const second = planSearch(
    table,
    checkQuery({ data: [1, 2], limit: 7, includeValue: true }),
    other,
    hnsw,
    known,
  )
  const expected = compile(
    selectNearest(table, {
      vec,
      limit: 5,
      measure: 'cosine_distance',
      where: null,
      includeValue: true,
      includeVector: false,
      includeMetadata: false,
      resort: false,
      exact: false,
      quantization: 'none',
      rerank: false,
      candidates: 5,
    }),
  )
  assert.deepEqual(first.statement, expected)
  assert.equal(second.statement.text, expected.text)
  assert.deepEqual(second.statement.values, [other, 7])
  // Another shape is another statement, not the one cached for the first.
  assert.doesNotMatch(plan({ limit: 5 }, hnsw).statement.text, /AS value/)
  const half = { ...table, name: 'half', type: 'halfvec' as const }
  const halfPlan = planSearch(half, checkQuery({ data: [1, 2] }), vec, null, known)
  assert.match(halfPlan.statement.text, /\$1::vector::halfvec/)
  assert.deepEqual(halfPlan.statement.values, [vec, 10])
})

test('a filtered statement is built for each query, with its own filter values bound', () => {
  const x = plan({ filters: { a: { $eq: 'x' } } }, null).statement
  const y = plan({ filters: { a: { $eq: 'y' } } }, null).statement
  assert.match(x.text, /WHERE/)
  assert.equal(x.text, y.text)
  assert.match(JSON.stringify(x.values), /x/)
  assert.match(JSON.stringify(y.values), /y/)
})

test('a filter that matches few rows widens the default scan; a given setting is kept as given', () => {
  const filtered = (q: object, index: CurrentIndex, share: number | null) =>
    planSearch(
      table,
      checkQuery({ data: [1, 2], filters: { a: 1 }, ...q }),
      vec,
      index,
      owned,
      share,
    )
  const ef = (p: ReturnType<typeof filtered>) => Number(p.search['hnsw.ef_search'])
  assert.equal(ef(filtered({}, hnsw, null)), 40, 'no estimate: as unfiltered')
  assert.equal(ef(filtered({}, hnsw, 0.6)), 40, 'half the rows or more: as unfiltered')
  assert.equal(ef(filtered({}, hnsw, 0.1)), Math.ceil(40 * 5 ** 0.4))
  assert.equal(ef(filtered({}, hnsw, 0.01)), Math.ceil(40 * 50 ** 0.4))
  assert.equal(ef(filtered({}, hnsw, 1e-9)), 1000, 'never past pgvector’s ceiling')
  assert.equal(ef(filtered({ efSearch: 30 }, hnsw, 0.01)), 30)
  const probes = (share: number, q: object = {}) =>
    Number(filtered(q, ivfflat, share).search['ivfflat.probes'])
  assert.equal(probes(0.01), Math.ceil(10 * 50 ** 0.1))
  assert.equal(probes(1e-30), 100, 'never past the lists')
  assert.equal(probes(0.01, { probes: 3 }), 3)
  // Unfiltered queries are not widened, whatever is passed.
  const unfiltered = planSearch(table, checkQuery({ data: [1, 2] }), vec, hnsw, owned, 0.01)
  assert.equal(unfiltered.search['hnsw.ef_search'], '40')
})

test('a quantized index is searched by its key; binary always re-ranks, halfvec where distances are asked', () => {
  const quantized = (quantization: 'halfvec' | 'binary'): CurrentIndex => ({
    info: { ...hnsw.info, quantization },
    note: null,
  })
  const fullDistance = /vec <=> \$1::vector/
  for (const features of [known, owned]) {
    // halfvec, no distance asked: ordered by the key, no vector read to re-rank.
    const half = plan({ limit: 10 }, quantized('halfvec'), features)
    assert.match(half.statement.text, /vec::halfvec\(2\)\) <=> \$1::vector::halfvec\(2\)/)
    assert.doesNotMatch(half.statement.text, fullDistance)
    // Distances asked for (or a rerank): the page is re-ranked by the exact distance.
    for (const q of [{ includeValue: true }, { includeSimilarity: true }, { rerank: 2 }]) {
      const reranked = plan({ limit: 10, ...q }, quantized('halfvec'), features)
      assert.match(reranked.statement.text, fullDistance, JSON.stringify(q))
    }
    // Binary: Hamming distance on the bit keys, always re-ranked, 10 pages by default.
    const binary = plan({ limit: 10 }, quantized('binary'), features)
    assert.match(binary.statement.text, /binary_quantize\(vec\)::bit\(2\)\) <~> binary_quantize/)
    assert.match(binary.statement.text, fullDistance)
    assert.ok(binary.statement.values.includes(100), String(binary.statement.values))
    assert.equal(binary.search['hnsw.ef_search'], '100')
    // A rerank given sets the candidates, and ef_search rises to return them.
    const more = plan({ limit: 10, rerank: 30 }, quantized('binary'), features)
    assert.ok(more.statement.values.includes(300))
    assert.equal(more.search['hnsw.ef_search'], '300')
  }
  // rerank of an index that is not quantized is refused.
  assert.throws(() => plan({ limit: 10, rerank: 2 }, hnsw), /not quantized/)
})
