/**
 * The limits input checks enforce without a database: id bytes, metadata and filter depth, filter
 * conditions, names as valid UTF-8. Each bound is tested on both sides, and far past it (a depth that
 * would overflow a recursive walk).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkName } from '../../src/checks.js'
import { ArgError, FilterError } from '../../src/errors.js'
import { MAX_FILTER_CONDITIONS, parseFilter } from '../../src/filter/parse.js'
import { MAX_JSON_DEPTH } from '../../src/json.js'
import { checkMetadata } from '../../src/records/metadata.js'
import { checkId, checkIds, MAX_ID_BYTES } from '../../src/records/parts.js'

test('an id may be 2048 UTF-8 bytes, counted in bytes, not characters', () => {
  assert.equal(MAX_ID_BYTES, 2048)
  assert.equal(checkId('a'.repeat(2048)), 'a'.repeat(2048))
  assert.equal(checkId('é'.repeat(1024)), 'é'.repeat(1024))
  assert.equal(checkId('😀'.repeat(512)), '😀'.repeat(512))
  for (const id of ['a'.repeat(2049), 'é'.repeat(1025), '€'.repeat(683), '😀'.repeat(513)]) {
    assert.throws(() => checkId(id), { name: 'ArgError', message: /at most 2048 bytes/ })
  }
  assert.throws(() => checkIds(['ok', 'x'.repeat(10_000)]), ArgError)
})

test('metadata may nest 100 levels; deeper is ArgError, even a million levels deep', () => {
  assert.equal(MAX_JSON_DEPTH, 100)
  assert.doesNotThrow(() => checkMetadata(nested(100, (inner) => ({ d: inner }))))
  assert.doesNotThrow(() => checkMetadata({ a: nested(99, (inner) => [inner]) }))
  for (const depth of [101, 10_000, 1_000_000]) {
    assert.throws(() => checkMetadata(nested(depth, (inner) => ({ d: inner }))), {
      name: 'ArgError',
      message: /at most 100 levels/,
    })
  }
  assert.throws(() => checkMetadata({ a: nested(100, (inner) => [inner]) }), ArgError)
  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  assert.throws(() => checkMetadata(cycle), { message: /refers to itself/ })
})

test('a filter may hold 10,000 conditions; one more is FilterError naming the limit', () => {
  assert.equal(MAX_FILTER_CONDITIONS, 10_000)
  const conditions = (n: number) => Array.from({ length: n }, (_, i) => ({ [`k${i}`]: { $gt: i } }))
  assert.doesNotThrow(() => parseFilter({ $and: conditions(10_000) }))
  assert.throws(() => parseFilter({ $or: conditions(10_001) }), {
    name: 'FilterError',
    message: 'a filter may hold at most 10000 conditions',
  })
  // Conditions are counted through every level, fields of one object included.
  const fields = Object.fromEntries(conditions(5_001).map((c) => Object.entries(c)[0] ?? []))
  assert.throws(() => parseFilter({ $and: [fields, { $or: conditions(5_000) }] }), FilterError)
  // A $in list is one bound array: its length is not a count of conditions.
  const values = Array.from({ length: 100_000 }, (_, i) => i)
  assert.doesNotThrow(() => parseFilter({ k: { $in: values } }))
})

test('names must be valid UTF-16: a lone surrogate has no UTF-8 form', () => {
  for (const name of ['\uD800', 'a\uDFFFb', 'tail\uD83D']) {
    assert.throws(() => checkName(name, 'collection name'), {
      name: 'ArgError',
      message: /valid UTF-8/,
    })
  }
  assert.equal(checkName('docs😀', 'collection name'), 'docs😀')
})

function nested(depth: number, wrap: (inner: unknown) => unknown): Record<string, unknown> {
  let value: unknown = 1
  for (let i = 1; i < depth; i++) value = wrap(value)
  return { d: value }
}
