/** Warnings go through Node's process warnings where there are some, else to the console. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { warn } from '../../src/warnings.js'
import { warningsDuring } from '../support/warnings.js'

test('in Node a warning is a process warning of type VecsWarning with its code', async () => {
  const seen = await warningsDuring(async () => warn('VECS_REINDEX_ADVISED', 'rebuild "docs"'))
  assert.deepEqual(
    seen.map((w) => [w.name, (w as { code?: string }).code, w.message]),
    [['VecsWarning', 'VECS_REINDEX_ADVISED', 'rebuild "docs"']],
  )
})

test('without process.emitWarning (a browser) a warning goes to console.warn', (t) => {
  const emitWarning = process.emitWarning
  const printed = t.mock.method(console, 'warn', () => {})
  Object.assign(process, { emitWarning: undefined })
  try {
    warn('VECS_NO_COVERING_INDEX', 'every row of "docs" is scanned')
  } finally {
    Object.assign(process, { emitWarning })
  }
  assert.deepEqual(
    printed.mock.calls.map((call) => call.arguments),
    [['[VECS_NO_COVERING_INDEX] VecsWarning: every row of "docs" is scanned']],
  )
})
