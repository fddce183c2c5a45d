import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArgError, MismatchedDimension } from '../../src/errors.js'
import {
  binaryToText,
  checkDimension,
  toFloat32,
  vectorFromText,
  vectorToBinary,
} from '../../src/vector.js'

test('vectorToBinary writes pgvector binary: int16 dim, int16 zero, float32 big-endian', () => {
  const bytes = vectorToBinary(new Float32Array([1, -2.5, 0.25]))
  assert.ok(bytes instanceof Uint8Array)
  assert.deepEqual([...bytes], [0, 3, 0, 0, 0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0, 0x3e, 0x80, 0, 0])
})

test('vectorToBinary reads a Float32Array at any offset in its buffer, and a vector of 16000', () => {
  const shared = new Float32Array([9, 1.5, -0, 3.4e38, 9])
  assert.deepEqual(
    [...vectorToBinary(shared.subarray(1, 4))].slice(4),
    [0x3f, 0xc0, 0, 0, 0x80, 0, 0, 0, 0x7f, 0x7f, 0xc9, 0x9e],
  )
  const long = Float32Array.from({ length: 16000 }, (_, i) => i / 7)
  const view = new DataView(vectorToBinary(long).buffer)
  assert.equal(view.getInt16(0), 16000)
  assert.deepEqual(
    Array.from(long, (_, i) => view.getFloat32(4 + 4 * i)),
    Array.from(long),
  )
})

test('binaryToText prints each float32 so that it reads back as the same float32', () => {
  const values = Float32Array.from(
    { length: 1000 },
    (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 13) - 6),
  )
  values[0] = -0
  values[1] = 3.4e38
  const bytes = vectorToBinary(values)
  // A subarray at an offset reads the same as the whole buffer.
  const shifted = new Uint8Array(bytes.length + 3)
  shifted.set(bytes, 3)
  const text = binaryToText(shifted.subarray(3))
  assert.match(text, /^\[-0,3\.39999\d+e\+38,/)
  assert.deepEqual(
    Float32Array.from(vectorFromText(text.replace('-0,', '0,'))).slice(1),
    values.slice(1),
  )
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
