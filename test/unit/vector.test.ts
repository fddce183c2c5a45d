import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArgError, MismatchedDimension } from '../../src/errors.js'
import { checkDimension, toFloat32, vectorFromText, vectorToBinary } from '../../src/vector.js'

test('vectorToBinary writes pgvector binary: int16 dim, int16 zero, float32 big-endian', () => {
  const buf = vectorToBinary(new Float32Array([1, -2.5, 0.25]))
  assert.equal(buf.length, 4 + 12)
  assert.equal(buf.readInt16BE(0), 3)
  assert.equal(buf.readInt16BE(2), 0)
  assert.deepEqual([buf.readFloatBE(4), buf.readFloatBE(8), buf.readFloatBE(12)], [1, -2.5, 0.25])
})

test('vectorFromText reads pgvector text output', () => {
  assert.deepEqual(vectorFromText('[1,2.5,-3e-05]'), [1, 2.5, -3e-5])
  assert.deepEqual(vectorFromText('[]'), [])
  assert.throws(() => vectorFromText('{"a":1}'), TypeError)
})

test('toFloat32 checks length, type and finiteness', () => {
  assert.deepEqual(Array.from(toFloat32([1, 2, 3], 3)), [1, 2, 3])
  const f = new Float32Array([1, 2])
  assert.equal(toFloat32(f, 2), f)
  assert.throws(() => toFloat32([1, 2], 3), MismatchedDimension)
  assert.throws(() => toFloat32([1, Number.NaN], 2), ArgError)
  assert.throws(() => toFloat32([1, Number.POSITIVE_INFINITY], 2), ArgError)
  assert.throws(() => toFloat32(new Float32Array([1, Number.NaN]), 2), ArgError)
  assert.throws(() => toFloat32([3.5e38, 1], 2), ArgError)
  assert.throws(() => toFloat32([1, '2'], 2), ArgError)
  assert.throws(() => toFloat32('12', 2), ArgError)
  assert.throws(() => toFloat32({ length: 2 }, 2), ArgError)
})

test('the dimension error names lengths, never values', () => {
  assert.throws(
    () => toFloat32([0.987654, 2], 3),
    (e: Error) => /3 dimensions, got 2/.test(e.message) && !e.message.includes('0.98'),
  )
})

test('dimensions are integers from 1 to 16000', () => {
  assert.equal(checkDimension(1), 1)
  assert.equal(checkDimension(16000), 16000)
  for (const bad of [0, 16001, 2.5, '3', Number.NaN])
    assert.throws(() => checkDimension(bad), ArgError)
})
