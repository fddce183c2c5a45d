import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ArgError } from '../../src/errors.js'
import {
  checkRebuild,
  rebuildPays,
  REBUILD_MIN_ROWS,
  REBUILD_MIN_SHARE,
} from '../../src/upsert/rebuild-rule.js'

test('rebuildIndex is auto unless given as true or false', () => {
  assert.equal(checkRebuild(undefined), 'auto')
  for (const given of ['auto', true, false] as const) assert.equal(checkRebuild(given), given)
  for (const bad of ['yes', 1, null, 'AUTO']) assert.throws(() => checkRebuild(bad), ArgError)
})

test('the automatic rule wants enough rows, and enough of them beside the rows there', () => {
  assert.equal(rebuildPays(REBUILD_MIN_ROWS - 1, 0), false)
  assert.equal(rebuildPays(REBUILD_MIN_ROWS, 0), true)
  const existing = 1_000_000
  assert.equal(rebuildPays(REBUILD_MIN_SHARE * existing, existing), true)
  assert.equal(rebuildPays(REBUILD_MIN_SHARE * existing - 1, existing), false)
  // A table never counted reports -1 rows.
  assert.equal(rebuildPays(REBUILD_MIN_ROWS, -1), true)
})
