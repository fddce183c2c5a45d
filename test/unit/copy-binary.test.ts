/** The binary COPY stream, byte by byte: what PostgreSQL's `COPY … (FORMAT binary)` reads. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { copyStream } from '../../src/upsert/copy-binary.js'
import { vectorToBinary } from '../../src/vector.js'

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]
const row = { id: 'é', vec: vectorToBinary(new Float32Array([1])), metadata: '{"a":"ü"}' }

test('a stream is the header, one tuple per row, and the trailer', () => {
  const chunks = copyStream([row, row], null)
  assert.equal(chunks.length, 4)
  assert.deepEqual([...(chunks[0] as Uint8Array)], [...SIGNATURE, 0, 0, 0, 0, 0, 0, 0, 0])
  assert.deepEqual([...(chunks[3] as Uint8Array)], [0xff, 0xff])
})

test('a tuple without seq: three fields, each length-prefixed, UTF-8 text, jsonb version 1', () => {
  const [, tuple] = copyStream([row], null)
  // prettier-ignore
  assert.deepEqual([...(tuple as Uint8Array)], [
    0, 3,
    0, 0, 0, 2, 0xc3, 0xa9,
    0, 0, 0, 8, 0, 1, 0, 0, 0x3f, 0x80, 0, 0,
    0, 0, 0, 11, 1, ...new TextEncoder().encode('{"a":"ü"}'),
  ])
})

test('a tuple with seq: four fields, seq as a big-endian int8', () => {
  for (const seq of [0, 7, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
    const [, tuple] = copyStream([row], seq)
    const view = new DataView((tuple as Uint8Array).buffer)
    assert.equal(view.getInt16(0), 4)
    assert.equal(view.getInt32(2), 8)
    assert.equal(view.getBigInt64(6), BigInt(seq))
    assert.equal(view.getInt32(14), 2)
  }
  const [, first, second] = copyStream([row, row], 41)
  assert.equal(new DataView((first as Uint8Array).buffer).getBigInt64(6), 41n)
  assert.equal(new DataView((second as Uint8Array).buffer).getBigInt64(6), 42n)
})
