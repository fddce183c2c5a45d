import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Filter } from '../../src/index.js'
import { filteredChoice, ruleScale } from '../../src/query/filtered-scan.js'
import { checkQuery } from '../../src/query/query-options.js'
import { planSearch, type ServerFeatures } from '../../src/query/plan.js'
import {
  formatBuildNote,
  parseBuildNote,
  type FilteredProfile,
  type Tuning,
} from '../../src/vector-index/note.js'
import type { CurrentIndex } from '../../src/vector-index/read.js'
import { adviseIndex } from '../../src/vector-index/advice.js'
import { hnswIndex, TABLE } from '../support/indexes.js'

// As tuning measures it: 10% reached at the tuned setting, 1% at four times it, 0.1% at none.
const profile: FilteredProfile = {
  points: [
    { share: 0.1, scale: 1, recall: 0.97, ms: 10 },
    { share: 0.01, scale: 4, recall: 0.965, ms: 40 },
    { share: 0.001, scale: null, recall: 0.9, ms: 5 },
  ],
  exactMs: 100,
  complete: true,
}

test('without a filter estimate, or at half the rows or more, a filtered query scans as an unfiltered one', () => {
  assert.deepEqual(filteredChoice('hnsw', null, profile), { exact: false, scale: 1 })
  assert.deepEqual(filteredChoice('hnsw', 0.5, profile), { exact: false, scale: 1 })
  assert.deepEqual(filteredChoice('ivfflat', 0.9, undefined), { exact: false, scale: 1 })
})

test('untuned for filters, the setting grows by the rule as the share falls', () => {
  assert.deepEqual(filteredChoice('hnsw', 0.01, undefined), {
    exact: false,
    scale: ruleScale('hnsw', 0.01),
  })
  assert.ok(ruleScale('hnsw', 0.01) > ruleScale('hnsw', 0.1))
  assert.ok(ruleScale('hnsw', 0.1) > ruleScale('ivfflat', 0.1))
})

test('the share measured nearest the filter’s gives the scale, moved by the rule’s slope', () => {
  assert.deepEqual(filteredChoice('hnsw', 0.1, profile), { exact: false, scale: 1 })
  assert.deepEqual(filteredChoice('hnsw', 0.01, profile), { exact: false, scale: 4 })
  const sparser = filteredChoice('hnsw', 0.05, profile)
  assert.ok(
    !sparser.exact && Math.abs(sparser.scale - 2 ** 0.4) < 1e-9,
    'nearest 10%, half its share',
  )
  const denser = filteredChoice('hnsw', 0.3, profile)
  assert.ok(!denser.exact && denser.scale === 1, 'never below the tuned setting')
  const near = filteredChoice('hnsw', 0.098, profile)
  assert.ok(!near.exact && near.scale < 1.01, 'an estimate a little under a measured share')
})

test('nearest a share no setting reached, the query is exact', () => {
  assert.deepEqual(filteredChoice('hnsw', 0.001, profile), { exact: true })
  assert.deepEqual(filteredChoice('hnsw', 0.002, profile), { exact: true })
  assert.deepEqual(filteredChoice('hnsw', 0.0001, profile), { exact: true })
  const between = filteredChoice('hnsw', 0.005, profile)
  assert.ok(!between.exact && Math.abs(between.scale - 4 * 2 ** 0.4) < 1e-9, 'nearer 1%')
})

test('where the index scan measured slower than an exact search of the whole table, the query is exact', () => {
  const slow = { ...profile, exactMs: 30 }
  assert.deepEqual(filteredChoice('hnsw', 0.01, slow), { exact: true })
  assert.deepEqual(filteredChoice('hnsw', 0.1, slow), { exact: false, scale: 1 })
})

test('a filter the metadata index serves is exact where reading just its rows costs less than the scan', () => {
  // An exact search reads 0.1% of the rows through the index: about 100 · 0.001 · 20 = 2 ms.
  const indexed = { ...profile, points: [{ share: 0.001, scale: 2, recall: 0.96, ms: 5 }] }
  assert.deepEqual(filteredChoice('hnsw', 0.001, indexed, true), { exact: true })
  assert.equal(filteredChoice('hnsw', 0.001, indexed, false).exact, false, 'a full scan costs more')
  // Where the filter matches many rows, reading them one by one costs more than the scan.
  const dense = { ...profile, points: [{ share: 0.1, scale: 1, recall: 0.97, ms: 10 }] }
  assert.equal(filteredChoice('hnsw', 0.1, dense, true).exact, false)
})

test('only $eq filters, alone or under $and, count as served by the metadata index', () => {
  const indexed = (filters: Filter) => checkQuery({ data: [1, 2], filters }).filter?.indexed
  assert.equal(indexed({ a: 1 }), true)
  assert.equal(indexed({ $and: [{ a: { $eq: 1 } }, { b: 'x' }] }), true)
  assert.equal(indexed({ a: { $lt: 1 } }), false)
  assert.equal(indexed({ $or: [{ a: 1 }, { b: 2 }] }), false)
  assert.equal(indexed({ $and: [{ a: 1 }, { b: { $in: [1, 2] } }] }), false)
  assert.equal(indexed({ a: { $eq: { nested: true } } }), false, 'objects compare whole')
})

test('sparser than any share measured, the sparsest reached scale grows by the rule', () => {
  const reached = { ...profile, points: [profile.points[0]!, profile.points[1]!], exactMs: 1000 }
  const choice = filteredChoice('hnsw', 0.001, reached)
  const expected = (4 * ruleScale('hnsw', 0.001)) / ruleScale('hnsw', 0.01)
  assert.ok(!choice.exact && Math.abs(choice.scale - expected) < 1e-9)
})

const tuning: Tuning = {
  setting: 100,
  forceIndex: false,
  target: 0.95,
  recall: 0.97,
  reached: true,
  queries: 200,
  limit: 10,
  rows: 100_000,
  at: '2026-12-07T04:00:00.000Z',
}

test('the filtered profile is kept in the index note and read back', () => {
  const note = { rows: 100_000, autoLists: false, tuning: { ...tuning, filtered: profile } }
  const text = formatBuildNote(note)
  assert.match(text, /filtered=0\.1:1:0\.9700:10\.00,0\.01:4:0\.9650:40\.00,0\.001:x:0\.9000:5\.00/)
  assert.deepEqual(parseBuildNote(text), note)
  const fractional = {
    ...note,
    tuning: {
      ...tuning,
      filtered: {
        points: [{ share: 0.1, scale: 1.375, recall: 0.96, ms: 3 }],
        exactMs: 9,
        complete: true,
      },
    },
  }
  assert.deepEqual(parseBuildNote(formatBuildNote(fractional)), fractional)
  // A note from before filtered queries were measured reads as before.
  const plain = { rows: 100_000, autoLists: false, tuning }
  assert.deepEqual(parseBuildNote(formatBuildNote(plain)), plain)
  // A build's tuning that ran out of budget keeps what it measured, and says so.
  for (const points of [[profile.points[0]!], []]) {
    const partial = {
      ...note,
      tuning: { ...tuning, filtered: { points, exactMs: 100, complete: false } },
    }
    const written = formatBuildNote(partial)
    assert.match(written, / filtered_partial=yes$/)
    assert.deepEqual(parseBuildNote(written), partial)
  }
  // A damaged profile is dropped, the tuning kept.
  const damaged = text.replace('0.01:4:', '0.01:-4:')
  assert.deepEqual(parseBuildNote(damaged), plain)
})

const owned: ServerFeatures = {
  iterativeScans: true,
  ownsSessions: true,
  sessionDefaults: null,
  citus: false,
}
const table = TABLE
const tuned = hnswIndex({
  rows: 100_000,
  autoLists: false,
  tuning: { ...tuning, filtered: profile },
})
const filteredPlan = (share: number, q: object = {}) =>
  planSearch(
    table,
    checkQuery({ data: [1, 2], filters: { a: { $gt: 0 } }, ...q }),
    Buffer.alloc(12),
    tuned,
    owned,
    share,
  )

test('a filtered query runs through the index as far as measured, or exactly, in one statement', () => {
  const onePercent = filteredPlan(0.01)
  assert.equal(onePercent.search['hnsw.ef_search'], '400')
  assert.equal(onePercent.search['hnsw.iterative_scan'], 'relaxed_order')
  assert.deepEqual(
    onePercent.fallbacks.map((f) => f.exact),
    [true],
  )
  const sparse = filteredPlan(0.001)
  assert.equal(sparse.exact, true)
  assert.deepEqual(sparse.runsWith, {})
  assert.deepEqual(sparse.fallbacks, [])
  // The user's own exact or setting is kept as given.
  assert.equal(filteredPlan(0.001, { exact: true }).fallbacks.length, 0)
})

test('a filtered HNSW scan may visit as many rows as twice the page needs at its share', () => {
  assert.equal(filteredPlan(0.1).search['hnsw.max_scan_tuples'], '20000')
  assert.equal(filteredPlan(0.0005, { limit: 20 }).search['hnsw.max_scan_tuples'], undefined)
  const few = { ...tuned, note: null }
  const plan = planSearch(
    table,
    checkQuery({ data: [1, 2], filters: { a: { $gt: 0 } }, limit: 20 }),
    Buffer.alloc(12),
    few,
    owned,
    0.0005,
  )
  assert.equal(plan.search['hnsw.max_scan_tuples'], '80000')
})

test('a tuning whose filtered part ran out of the build’s budget advises tune(), naming what was measured', () => {
  const partly = (points: FilteredProfile['points']): CurrentIndex => ({
    ...tuned,
    note: {
      rows: 100_000,
      autoLists: false,
      tuning: { ...tuning, filtered: { points, exactMs: 100, complete: false } },
    },
  })
  const [advice] = adviseIndex('docs', 100_000, partly([profile.points[0]!]))
  assert.equal(advice?.code, 'VECS_RETUNE_ADVISED')
  assert.match(advice?.message ?? '', /measured only for filters matching 10% of the rows/)
  assert.match(
    adviseIndex('docs', 100_000, partly([]))[0]?.message ?? '',
    /filtered queries were not measured/,
  )
  assert.deepEqual(adviseIndex('docs', 100_000, tuned), [], 'a complete profile needs nothing')
})
