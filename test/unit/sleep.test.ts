import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sleep } from '../../src/sleep.js'

test('sleep resolves after its time', async () => {
  const started = performance.now()
  await sleep(30)
  assert.ok(performance.now() - started >= 25)
})

test('sleep resolves as soon as its signal aborts, or at once if it has', async () => {
  const stop = new AbortController()
  const started = performance.now()
  setTimeout(() => stop.abort(), 10)
  await sleep(60_000, stop.signal)
  await sleep(60_000, stop.signal)
  assert.ok(performance.now() - started < 5_000)
})
