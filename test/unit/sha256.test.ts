/**
 * The project's synchronous SHA-256 matches Node's for every padding case, so the index-build lock
 * keys derived from it stay the same.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { sha256 } from '../../src/sha256.js'
import { compile } from '../../src/sql/fragment.js'
import { tryLockIndexBuild } from '../../src/sql/tables.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

test('sha256 of the standard examples', () => {
  const of = (text: string) => hex(sha256(new TextEncoder().encode(text)))
  assert.equal(of(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  assert.equal(of('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  assert.equal(
    of('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  )
})

test('sha256 equals node:crypto for every length up to four blocks, and for a long input', () => {
  for (let length = 0; length <= 256; length++) {
    const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff)
    assert.equal(hex(sha256(data)), createHash('sha256').update(data).digest('hex'), `${length}`)
  }
  const long = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff)
  assert.equal(hex(sha256(long)), createHash('sha256').update(long).digest('hex'))
})

test('sha256 reads a view at an offset in its buffer', () => {
  const bytes = new TextEncoder().encode('..vecs..')
  assert.equal(hex(sha256(bytes.subarray(2, 6))), createHash('sha256').update('vecs').digest('hex'))
})

test('the index-build lock keys are the first two big-endian int32s of the name hash', () => {
  for (const [schema, name] of [
    ['vecs', 'docs'],
    ['Schéma', 'naïve "quoted" 😀'],
  ] as const) {
    const digest = createHash('sha256').update(`vecs-index-build:${schema}.${name}`).digest()
    const { text } = compile(tryLockIndexBuild({ schema, name }, 'session'))
    assert.equal(
      text,
      `SELECT pg_try_advisory_lock(${digest.readInt32BE(0)}, ${digest.readInt32BE(4)}) AS locked`,
    )
  }
})
