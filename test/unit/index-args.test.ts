import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArgError } from '../../src/errors.js'
import { defaultLists, IndexArgsHNSW, IndexArgsIVFFlat } from '../../src/vector-index/args.js'
import { indexFromRow } from '../../src/vector-index/read.js'
import { formatIndexName } from '../../src/vector-index/name.js'
import { planIndex } from '../../src/vector-index/index-options.js'

test('index names follow Python vecs: ix_<ops>_<method>_<params>_<7 hex>', () => {
  assert.match(
    formatIndexName('vector_cosine_ops', IndexArgsHNSW()),
    /^ix_vector_cosine_ops_hnsw_m16_efc64_[0-9a-f]{7}$/,
  )
  assert.match(
    formatIndexName('vector_l2_ops', IndexArgsIVFFlat({ nLists: 100 })),
    /^ix_vector_l2_ops_ivfflat_nl100_[0-9a-f]{7}$/,
  )
  assert.notEqual(
    formatIndexName('vector_l2_ops', IndexArgsHNSW()),
    formatIndexName('vector_l2_ops', IndexArgsHNSW()),
  )
})

test('default IVFFlat lists: rows / 1000 with a floor of 30 below 1M rows, sqrt(rows) from 1M', () => {
  assert.equal(defaultLists(0), 30)
  assert.equal(defaultLists(29_999), 30)
  assert.equal(defaultLists(500_000), 500)
  assert.equal(defaultLists(999_999), 999)
  assert.equal(defaultLists(1_000_000), 1000)
  assert.equal(defaultLists(4_000_000), 2000)
})

test('describeIndex reads method, measure and arguments from the catalog, with pgvector defaults', () => {
  const row = {
    name: 'i',
    method: 'hnsw',
    opsClass: 'halfvec_l1_ops',
    options: null,
    comment: null,
  }
  assert.deepEqual(indexFromRow(row), {
    name: 'i',
    method: 'hnsw',
    measure: 'l1_distance',
    m: 16,
    efConstruction: 64,
  })
  const ivf = { ...row, method: 'ivfflat', opsClass: 'vector_ip_ops', options: ['lists=7'] }
  assert.deepEqual(indexFromRow(ivf), {
    name: 'i',
    method: 'ivfflat',
    measure: 'max_inner_product',
    nLists: 7,
  })
  assert.equal(indexFromRow({ ...row, opsClass: 'bit_hamming_ops' }), null)
})

test('planIndex resolves auto to HNSW and checks every combination before SQL', () => {
  assert.deepEqual(planIndex({}, 'vector', 3), {
    method: 'hnsw',
    measure: 'cosine_distance',
    args: null,
    replace: true,
    concurrently: false,
    onProgress: undefined,
    maxMaintenanceWorkMem: 2 * 1024 ** 3,
    targetRecall: 0.95,
  })
  assert.equal(planIndex({ targetRecall: null }, 'vector', 3).targetRecall, null)
  for (const targetRecall of [0, 1, 1.2, -0.5, Number.NaN, '0.9'])
    assert.throws(() => planIndex({ targetRecall } as never, 'vector', 3), /targetRecall/)
  assert.throws(
    () => planIndex({ method: 'ivfflat', measure: 'l1_distance' }, 'vector', 3),
    ArgError,
  )
  assert.throws(() => planIndex({}, 'vector', 2001), /halfvec/)
  assert.doesNotThrow(() => planIndex({}, 'halfvec', 4000))
  assert.throws(() => planIndex({}, 'halfvec', 4001), ArgError)
})
