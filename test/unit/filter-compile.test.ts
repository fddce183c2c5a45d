import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { compileFilter } from '../../src/filter/compile.js'
import { parseFilter } from '../../src/filter/parse.js'
import { compile, ident } from '../../src/sql/fragment.js'
import type { CompiledQuery } from '../../src/sql/fragment.js'

function compiled(filter: unknown): CompiledQuery {
  const node = parseFilter(filter)
  assert.ok(node, 'expected a non-empty filter')
  return compile(compileFilter(node, ident('metadata')))
}

function assertSql(filter: unknown, text: string, values: unknown[]): void {
  assert.deepEqual(compiled(filter), { text, values })
}

describe('compileFilter: SQL per operator', () => {
  test('scalar equality is jsonb containment of a one-key object', () => {
    assertSql({ a: 1 }, '"metadata" @> $1::jsonb', ['{"a":1}'])
    assertSql({ a: { $eq: 'x' } }, '"metadata" @> $1::jsonb', ['{"a":"x"}'])
    assertSql({ a: null }, '"metadata" @> $1::jsonb', ['{"a":null}'])
  })

  test('array and object equality compares the whole value', () => {
    assertSql({ a: [1, 2] }, '("metadata" -> $1::text) = $2::jsonb', ['a', '[1,2]'])
    assertSql({ a: { $eq: { x: 1 } } }, '("metadata" -> $1::text) = $2::jsonb', ['a', '{"x":1}'])
  })

  test('$ne compares with <>, so rows without the key do not match', () => {
    assertSql({ a: { $ne: 'x' } }, '("metadata" -> $1::text) <> $2::jsonb', ['a', '"x"'])
  })

  test('$gt, $gte, $lt and $lte also require the JSON type of the operand', () => {
    const typed = (op: string, type: string): string =>
      `(("metadata" -> $1::text) ${op} $2::jsonb AND jsonb_typeof("metadata" -> $3::text) = '${type}')`
    assertSql({ a: { $gt: 5 } }, typed('>', 'number'), ['a', '5', 'a'])
    assertSql({ a: { $gte: 1.5 } }, typed('>=', 'number'), ['a', '1.5', 'a'])
    assertSql({ a: { $lt: 'm' } }, typed('<', 'string'), ['a', '"m"', 'a'])
    assertSql({ a: { $lte: '' } }, typed('<=', 'string'), ['a', '""', 'a'])
  })

  test('$in binds the list as one jsonb[] parameter', () => {
    assertSql({ a: { $in: [1, 'x', true] } }, '("metadata" -> $1::text) = ANY($2::jsonb[])', [
      'a',
      ['1', '"x"', 'true'],
    ])
  })

  test('an empty $in matches nothing', () => {
    assertSql({ a: { $in: [] } }, 'FALSE', [])
  })

  test('$nin requires the key and excludes the list', () => {
    assertSql(
      { a: { $nin: [1, 2] } },
      '(("metadata" ? $1::text) AND NOT (("metadata" -> $2::text) = ANY($3::jsonb[])))',
      ['a', 'a', ['1', '2']],
    )
  })

  test('an empty $nin matches every row that has the key', () => {
    assertSql({ a: { $nin: [] } }, '("metadata" ? $1::text)', ['a'])
  })

  test('$contains looks for an element of an array value only', () => {
    assertSql(
      { tags: { $contains: 'x' } },
      `(("metadata" -> $1::text) @> $2::jsonb AND jsonb_typeof("metadata" -> $3::text) = 'array')`,
      ['tags', '"x"', 'tags'],
    )
  })

  test('$exists tests the top-level key', () => {
    assertSql({ a: { $exists: true } }, '("metadata" ? $1::text)', ['a'])
    assertSql({ a: { $exists: false } }, 'NOT ("metadata" ? $1::text)', ['a'])
  })

  test('several keys, $and and $or become parenthesised AND and OR', () => {
    assertSql({ a: 1, b: 2 }, '("metadata" @> $1::jsonb AND "metadata" @> $2::jsonb)', [
      '{"a":1}',
      '{"b":2}',
    ])
    assertSql(
      { $or: [{ a: 1 }, { $and: [{ b: 2 }, { c: { $exists: false } }] }] },
      '("metadata" @> $1::jsonb OR ("metadata" @> $2::jsonb AND NOT ("metadata" ? $3::text)))',
      ['{"a":1}', '{"b":2}', 'c'],
    )
  })

  test('the column goes through ident()', () => {
    const node = parseFilter({ a: { $exists: true } })
    assert.ok(node)
    const { text } = compile(compileFilter(node, ident('t', 'meta"data')))
    assert.equal(text, '("t"."meta""data" ? $1::text)')
  })
})

describe('compileFilter: hostile keys and values', () => {
  const hostile = [
    `x'); DROP TABLE t; --`,
    'a"b',
    'x$1',
    ' $2',
    `'`,
    '; SELECT 1',
    '/* c */',
    '\\',
    '?',
  ]
  const shapes: ((key: string, value: string) => object)[] = [
    (key, value) => ({ [key]: value }),
    (key, value) => ({ [key]: { $eq: [value] } }),
    (key, value) => ({ [key]: { $ne: { [value]: value } } }),
    (key, value) => ({ [key]: { $gt: value } }),
    (key, value) => ({ [key]: { $in: [value] } }),
    (key, value) => ({ [key]: { $nin: [value] } }),
    (key, value) => ({ [key]: { $contains: value } }),
    (key) => ({ [key]: { $exists: false } }),
    (key, value) => ({ $or: [{ [key]: value }, { $and: [{ [key]: 1 }, { [value]: 2 }] }] }),
  ]

  // Keys starting with `$` are operators (rejected by the parser), so `$n` appears inside keys here.
  test('only change values, never the SQL text', () => {
    for (const shape of shapes) {
      const expected = compiled(shape('k', 'v')).text
      for (const word of hostile) {
        const { text, values } = compiled(shape(word, word))
        assert.equal(text, expected)
        const bound = values.flat().map(String)
        assert.ok(bound.some((v) => v === word || v.includes(JSON.stringify(word))))
      }
    }
  })

  test('a value that looks like a placeholder stays a value', () => {
    assertSql({ a: '$1' }, '"metadata" @> $1::jsonb', ['{"a":"$1"}'])
    assertSql({ a: { $in: ['$1', '$2'] } }, '("metadata" -> $1::text) = ANY($2::jsonb[])', [
      'a',
      ['"$1"', '"$2"'],
    ])
  })
})
