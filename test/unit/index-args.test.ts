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

test('describeIndex reads method, quantization, measure and arguments from the catalog, with pgvector defaults', () => {
  const column = { type: 'halfvec' as const, dimension: 3 }
  const row = {
    name: 'i',
    method: 'hnsw',
    key: 'vec',
    opsClass: 'halfvec_l1_ops',
    options: null,
    comment: null,
  }
  assert.deepEqual(indexFromRow(row, column, null), {
    name: 'i',
    method: 'hnsw',
    measure: 'l1_distance',
    quantization: 'none',
    m: 16,
    efConstruction: 64,
  })
  const vector = { type: 'vector' as const, dimension: 3 }
  const ivf = { ...row, method: 'ivfflat', opsClass: 'vector_ip_ops', options: ['lists=7'] }
  assert.deepEqual(indexFromRow(ivf, vector, null), {
    name: 'i',
    method: 'ivfflat',
    measure: 'max_inner_product',
    quantization: 'none',
    nLists: 7,
  })
  // An ops class of the other type than the column's is not an index vecs' queries use.
  assert.equal(indexFromRow(ivf, column, null), null)
  const half = { ...row, key: '(vec::halfvec(3))', opsClass: 'halfvec_cosine_ops' }
  assert.equal(indexFromRow(half, vector, null)?.quantization, 'halfvec')
  assert.equal(indexFromRow({ ...half, key: '(vec::halfvec(4))' }, vector, null), null)
  // A halfvec column needs no halfvec key: such an index is not vecs'.
  assert.equal(indexFromRow(half, column, null), null)
  const bits = { ...row, key: '(binary_quantize(vec)::bit(3))', opsClass: 'bit_hamming_ops' }
  assert.deepEqual(indexFromRow(bits, vector, null), {
    name: 'i',
    method: 'hnsw',
    measure: 'cosine_distance',
    quantization: 'binary',
    m: 16,
    efConstruction: 64,
  })
  // The measure a binary index re-ranks by is in its note.
  const note = { rows: 9, autoLists: false, measure: 'l2_distance' as const }
  assert.equal(indexFromRow(bits, vector, note)?.measure, 'l2_distance')
  assert.equal(indexFromRow({ ...row, opsClass: 'bit_hamming_ops' }, vector, null), null)
  assert.equal(indexFromRow({ ...bits, opsClass: 'bit_jaccard_ops' }, vector, null), null)
  assert.equal(indexFromRow({ ...row, key: '(vec::vector(3))' }, column, null), null)
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
    parallelWorkers: null,
    quantization: 'none',
  })
  assert.equal(planIndex({ parallelWorkers: 3 }, 'vector', 3).parallelWorkers, 3)
  for (const parallelWorkers of [-1, 65, 1.5, '2', Number.NaN])
    assert.throws(() => planIndex({ parallelWorkers } as never, 'vector', 3), /parallelWorkers/)
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
