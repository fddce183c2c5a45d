import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { FilterError } from '../../src/errors.js'
import { parseFilter } from '../../src/filter/parse.js'

function assertRejected(filter: unknown, message?: RegExp): FilterError {
  try {
    parseFilter(filter)
  } catch (error) {
    assert.ok(error instanceof FilterError, `expected a FilterError, got ${String(error)}`)
    assert.equal(error.code, 'VECS_FILTER')
    if (message) assert.match(error.message, message)
    return error
  }
  assert.fail('expected parseFilter to throw')
}

class Point {
  x = 1
}

describe('parseFilter: accepted filters', () => {
  test('an empty top-level object is no filter at all', () => {
    assert.equal(parseFilter({}), null)
  })

  test('a bare scalar means scalar equality', () => {
    assert.deepEqual(parseFilter({ year: 2020 }), { kind: 'eq', key: 'year', value: 2020 })
    assert.deepEqual(parseFilter({ done: null }), { kind: 'eq', key: 'done', value: null })
  })

  test('a bare array or object without operators means whole-value equality', () => {
    assert.deepEqual(parseFilter({ tags: ['a', 'b'] }), {
      kind: 'eqWhole',
      key: 'tags',
      value: ['a', 'b'],
    })
    assert.deepEqual(parseFilter({ pos: { x: 1, y: [2] } }), {
      kind: 'eqWhole',
      key: 'pos',
      value: { x: 1, y: [2] },
    })
  })

  test('$eq picks scalar or whole-value equality from its operand', () => {
    assert.deepEqual(parseFilter({ a: { $eq: 'x' } }), { kind: 'eq', key: 'a', value: 'x' })
    assert.deepEqual(parseFilter({ a: { $eq: {} } }), { kind: 'eqWhole', key: 'a', value: {} })
    assert.deepEqual(parseFilter({ a: { $eq: [] } }), { kind: 'eqWhole', key: 'a', value: [] })
  })

  test('$ne takes any JSON value', () => {
    assert.deepEqual(parseFilter({ a: { $ne: null } }), { kind: 'ne', key: 'a', value: null })
    assert.deepEqual(parseFilter({ a: { $ne: [1] } }), { kind: 'ne', key: 'a', value: [1] })
  })

  test('$gt, $gte, $lt and $lte take a string or a number', () => {
    assert.deepEqual(parseFilter({ a: { $gt: 1 } }), {
      kind: 'compare',
      key: 'a',
      op: 'gt',
      value: 1,
    })
    assert.deepEqual(parseFilter({ a: { $gte: 'b' } }), {
      kind: 'compare',
      key: 'a',
      op: 'gte',
      value: 'b',
    })
    assert.deepEqual(parseFilter({ a: { $lt: -2.5 } }), {
      kind: 'compare',
      key: 'a',
      op: 'lt',
      value: -2.5,
    })
    assert.deepEqual(parseFilter({ a: { $lte: '' } }), {
      kind: 'compare',
      key: 'a',
      op: 'lte',
      value: '',
    })
  })

  test('$in and $nin take an array of scalars, possibly empty', () => {
    assert.deepEqual(parseFilter({ a: { $in: [1, 'x', true] } }), {
      kind: 'in',
      key: 'a',
      values: [1, 'x', true],
      negated: false,
    })
    assert.deepEqual(parseFilter({ a: { $nin: [] } }), {
      kind: 'in',
      key: 'a',
      values: [],
      negated: true,
    })
  })

  test('$contains takes a scalar and $exists a boolean', () => {
    assert.deepEqual(parseFilter({ a: { $contains: false } }), {
      kind: 'contains',
      key: 'a',
      value: false,
    })
    assert.deepEqual(parseFilter({ a: { $exists: false } }), {
      kind: 'exists',
      key: 'a',
      present: false,
    })
  })

  test('several keys in one object mean AND, in key order', () => {
    assert.deepEqual(parseFilter({ a: 1, b: { $exists: true } }), {
      kind: 'and',
      children: [
        { kind: 'eq', key: 'a', value: 1 },
        { kind: 'exists', key: 'b', present: true },
      ],
    })
  })

  test('$and and $or nest, and a single child is not wrapped', () => {
    assert.deepEqual(parseFilter({ $and: [{ a: 1 }] }), { kind: 'eq', key: 'a', value: 1 })
    assert.deepEqual(parseFilter({ $or: [{ a: 1 }, { $and: [{ b: 2 }, { c: 3 }] }] }), {
      kind: 'or',
      children: [
        { kind: 'eq', key: 'a', value: 1 },
        {
          kind: 'and',
          children: [
            { kind: 'eq', key: 'b', value: 2 },
            { kind: 'eq', key: 'c', value: 3 },
          ],
        },
      ],
    })
  })

  test('objects without a prototype are plain objects', () => {
    const filter = Object.assign(Object.create(null) as object, { a: 1 })
    assert.deepEqual(parseFilter(filter), { kind: 'eq', key: 'a', value: 1 })
  })

  test('keys and values may be any string without U+0000, including "" and __proto__', () => {
    assert.deepEqual(parseFilter({ '': 'x' }), { kind: 'eq', key: '', value: 'x' })
    const node = parseFilter({ a: { $eq: JSON.parse('{"__proto__": 1}') } })
    assert.equal(node?.kind === 'eqWhole' && JSON.stringify(node.value), '{"__proto__":1}')
  })

  test('values are copied, so later changes to the input do not reach the tree', () => {
    const tags = ['a']
    const node = parseFilter({ tags })
    tags.push('b')
    assert.deepEqual(node, { kind: 'eqWhole', key: 'tags', value: ['a'] })
  })
})

describe('parseFilter: rejected filters', () => {
  test('a filter that is not a plain object', () => {
    for (const filter of [
      null,
      undefined,
      'a',
      1,
      [],
      [{ a: 1 }],
      new Map(),
      new Date(),
      new Point(),
    ]) {
      assertRejected(filter, /plain object/)
    }
  })

  test('symbol keys, at the top, in an operator object or in a value', () => {
    assertRejected({ [Symbol('a')]: 1 }, /keys must be strings/)
    assertRejected({ a: { $eq: 1, [Symbol('b')]: 2 } }, /keys must be strings/)
    assertRejected({ a: { $eq: { [Symbol('b')]: 2 } } }, /keys must be strings/)
  })

  test('$and and $or that are not a non-empty array of non-empty filters', () => {
    for (const op of ['$and', '$or']) {
      for (const value of [
        [],
        {},
        { a: 1 },
        'a',
        null,
        [{}],
        [null],
        [[{ a: 1 }]],
        [{ a: 1 }, {}],
      ]) {
        assertRejected({ [op]: value }, new RegExp(`\\${op} expects a non-empty array`))
      }
    }
    assertRejected({ $and: [{ $or: [] }] }, /\$or expects/)
  })

  test('an unknown $-key where a field name is expected', () => {
    assertRejected({ $not: { a: 1 } }, /unknown operator "\$not"/)
    assertRejected({ $eq: 1 }, /unknown operator "\$eq"/)
    assertRejected({ $and: [{ $nor: [] }] }, /unknown operator "\$nor"/)
  })

  test('an empty object as a field value', () => {
    assertRejected({ a: {} }, /key "a" must not be an empty object/)
  })

  test('more than one operator in one operator object', () => {
    assertRejected({ a: { $gt: 1, $lt: 5 } }, /only one operator per operator object \(key "a"\)/)
  })

  test('operators mixed with field names in one object', () => {
    assertRejected({ a: { $gt: 1, b: 2 } }, /key "a" mixes operators and fields/)
    assertRejected({ a: { b: 2, $gt: 1 } }, /key "a" mixes operators and fields/)
  })

  test('an unknown operator inside an operator object', () => {
    assertRejected({ a: { $regex: 'x' } }, /unknown operator "\$regex" for key "a"/)
    assertRejected({ a: { $and: [{ b: 1 }] } }, /unknown operator "\$and" for key "a"/)
  })

  test('values that are not JSON', () => {
    const invalid = [
      NaN,
      Infinity,
      -Infinity,
      undefined,
      () => 1,
      Symbol('s'),
      new Date(),
      new Point(),
      new Map(),
      [1, NaN],
      [undefined],
      { x: undefined },
      { x: { y: [Symbol('s')] } },
    ]
    for (const value of invalid) {
      assertRejected({ a: value }, /\$eq on key "a" expects a JSON value/)
      assertRejected({ a: { $eq: value } }, /\$eq on key "a" expects a JSON value/)
      assertRejected({ a: { $ne: value } }, /\$ne on key "a" expects a JSON value/)
    }
  })

  test('sparse arrays, whose holes are not JSON', () => {
    assertRejected({ a: { $eq: [1, , 3] } }, /expects a JSON value/)
  })

  test('$gt, $gte, $lt and $lte with anything but a string or finite number', () => {
    for (const op of ['$gt', '$gte', '$lt', '$lte']) {
      for (const value of [true, null, [1], { x: 1 }, NaN, Infinity, undefined]) {
        assertRejected(
          { price: { [op]: value } },
          new RegExp(`\\${op} on key "price" expects a string`),
        )
      }
    }
  })

  test('$in and $nin with anything but an array of scalars', () => {
    for (const op of ['$in', '$nin']) {
      for (const value of [
        1,
        'a',
        null,
        { 0: 'a' },
        [null],
        [[1]],
        [{ x: 1 }],
        [NaN],
        [undefined],
      ]) {
        assertRejected({ a: { [op]: value } }, new RegExp(`\\${op} on key "a" expects an array`))
      }
    }
  })

  test('$contains with anything but a scalar', () => {
    for (const value of [null, ['a'], { x: 1 }, NaN, undefined]) {
      assertRejected({ a: { $contains: value } }, /\$contains on key "a" expects a string/)
    }
  })

  test('$exists with anything but a boolean', () => {
    for (const value of [1, 0, 'true', null, undefined]) {
      assertRejected({ a: { $exists: value } }, /\$exists on key "a" expects a boolean/)
    }
  })

  test('U+0000 in a key or a string, which PostgreSQL cannot store', () => {
    assertRejected({ 'a\0': 1 }, /U\+0000/)
    assertRejected({ a: 'x\0' }, /U\+0000/)
    assertRejected({ a: { $in: ['x\0'] } }, /U\+0000/)
    assertRejected({ a: { $eq: { 'b\0': 1 } } }, /U\+0000/)
  })

  test('cyclic filters and values end in a FilterError, not a stack overflow', () => {
    const filter: { $and: unknown[] } = { $and: [] }
    filter.$and.push(filter)
    assertRejected(filter, /nest at most/)
    const value: unknown[] = []
    value.push(value)
    assertRejected({ a: value }, /nest at most/)
  })

  test('error messages never include metadata values', () => {
    const secret = 's3cr3t-value'
    const filters = [
      { a: { $in: [secret, null] } },
      { a: { $nin: secret } },
      { a: { $contains: [secret] } },
      { a: { $gt: [secret] } },
      { a: { $eq: [secret, undefined] } },
      { a: { $ne: { x: secret, y: NaN } } },
      { a: { $exists: secret } },
      { a: { x: secret, y: () => 1 } },
      { a: `${secret}\0` },
      { a: { $gt: 1, $lt: secret } },
      { a: { $regex: secret } },
      { $or: [{ a: secret }, {}] },
    ]
    for (const filter of filters) {
      const error = assertRejected(filter)
      assert.ok(!error.message.includes(secret), error.message)
    }
  })
})
