import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  compile,
  ident,
  int,
  join,
  prefix,
  quoteIdent,
  sql,
  template,
  trusted,
} from '../../src/sql/fragment.js'

test('values become numbered parameters, in order, across nested fragments', () => {
  const inner = sql`b = ${2} AND c = ${'three'}`
  assert.deepEqual(compile(sql`SELECT * FROM t WHERE a = ${1} AND ${inner} LIMIT ${4}`), {
    text: 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 LIMIT $4',
    values: [1, 2, 'three', 4],
  })
})

test('identifiers are quoted and embedded quotes doubled', () => {
  assert.equal(
    compile(sql`SELECT * FROM ${ident('vecs', 'my "t"; DROP')}`).text,
    'SELECT * FROM "vecs"."my ""t""; DROP"',
  )
  assert.equal(quoteIdent('a"b'), '"a""b"')
  assert.throws(() => ident('nul\0'), TypeError)
})

test('the same object value is sent once and referenced twice', () => {
  const vec = Buffer.from([1, 2])
  assert.deepEqual(compile(sql`SELECT ${vec} <=> x ORDER BY ${vec} <=> x LIMIT ${'a'}`), {
    text: 'SELECT $1 <=> x ORDER BY $1 <=> x LIMIT $2',
    values: [vec, 'a'],
  })
})

test('equal primitive values are still separate parameters', () => {
  assert.deepEqual(compile(sql`${1}, ${1}`).values, [1, 1])
})

test('a user object shaped like a fragment is still a bound value', () => {
  const hostile = { kind: 'trusted', text: 'DROP TABLE x', strings: ['DROP TABLE x'], values: [] }
  assert.deepEqual(compile(sql`SELECT ${hostile}`), { text: 'SELECT $1', values: [hostile] })
})

test('int() and trusted() refuse anything but checked integers and plain operator text', () => {
  assert.equal(compile(sql`WITH (m = ${int(16)})`).text, 'WITH (m = 16)')
  assert.throws(() => int(1.5), TypeError)
  assert.throws(() => int(Number.NaN), TypeError)
  assert.equal(compile(sql`vec ${trusted('<=>')} q`).text, 'vec <=> q')
  for (const bad of ["'", ';', '--', 'a"b', '/* */'])
    assert.throws(() => trusted(bad), TypeError, bad)
})

test('join puts separators between parts and nothing for an empty list', () => {
  assert.deepEqual(compile(join([sql`a`, 1, sql`c`])), { text: 'a, $1, c', values: [1] })
  assert.deepEqual(compile(join([sql`x`, sql`y`], sql` AND `)).text, 'x AND y')
  assert.equal(compile(join([])).text, '')
})

test('a template renders once and fills its slots; constants and a repeated slot stay in place', () => {
  const fill = template<{ q: Buffer; n: number }>((slot) => {
    const q = slot('q')
    return sql`SELECT ${q} AS a, ${'const'} AS b FROM t ORDER BY x <-> ${q} LIMIT ${slot('n')}`
  })
  const one = Buffer.from([1])
  const two = Buffer.from([2])
  assert.deepEqual(fill({ q: one, n: 3 }), {
    text: 'SELECT $1 AS a, $2 AS b FROM t ORDER BY x <-> $1 LIMIT $3',
    values: [one, 'const', 3],
  })
  assert.deepEqual(fill({ q: two, n: 9 }).values, [two, 'const', 9])
  assert.deepEqual(fill({ q: one, n: 3 }).values, [one, 'const', 3])
})

test('a prefix keeps the numbering of the statement after it and takes no parameters', () => {
  const query = compile(sql`SELECT ${1}, ${2}`)
  assert.deepEqual(prefix(sql`EXPLAIN`, query), { text: 'EXPLAIN SELECT $1, $2', values: [1, 2] })
  assert.throws(() => prefix(sql`EXPLAIN ${3}`, query), TypeError)
})
