/**
 * Text as UTF-8 bytes without Node's Buffer: byte lengths, and base64url for page cursors. Each
 * answer is checked against Buffer's, so cursors and limits stay what they were.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { textFromBase64url, textToBase64url } from '../../src/base64url.js'
import { utf8Length } from '../../src/utf8.js'

/** One to four UTF-8 bytes, each boundary, and the ends of the surrogate range. */
const CODE_POINTS = [
  0x00, 0x41, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x20ac, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000,
  0x1f600, 0x10ffff,
]

/** Every string of up to three of those code points. */
function* strings(): Generator<string> {
  yield ''
  for (const a of CODE_POINTS) {
    yield String.fromCodePoint(a)
    for (const b of CODE_POINTS) {
      yield String.fromCodePoint(a, b)
      for (const c of CODE_POINTS) yield String.fromCodePoint(a, b, c)
    }
  }
}

test('utf8Length counts what Buffer.byteLength counts, lone surrogates included', () => {
  for (const text of strings()) assert.equal(utf8Length(text), Buffer.byteLength(text), text)
  for (const text of [
    '\ud800',
    'a\udc00',
    '\udc00\ud800',
    '\ud83d',
    '\ud83d\ude00\ude00',
    'é'.repeat(1025),
  ]) {
    assert.equal(utf8Length(text), Buffer.byteLength(text), JSON.stringify(text))
  }
})

test('textToBase64url writes what Buffer writes, and textFromBase64url reads it back', () => {
  for (const text of strings()) {
    const encoded = textToBase64url(text)
    assert.equal(encoded, Buffer.from(text).toString('base64url'))
    assert.equal(textFromBase64url(encoded), text)
  }
  const id = 'doc-000042/é 😀 "quoted"'.repeat(50)
  assert.equal(textFromBase64url(textToBase64url(id)), id)
})

test('a damaged base64url token reads as Buffer reads it, never an error', () => {
  const damaged = [
    'YQ=',
    'YQ==YQ==',
    'Y',
    'Y!Q',
    'Y Q\n',
    'YW+/',
    'YW-_',
    '=YQ',
    'YWJjZA=x',
    'A%+QLd5k',
    '_-_-_-',
    '//79',
    '4pyTIMOgIGxhIG1vZGU',
  ]
  for (const token of damaged) {
    assert.equal(textFromBase64url(token), Buffer.from(token, 'base64url').toString(), token)
  }
})
