import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Queryable } from '../../src/backend/backend.js'
import { selectivityEstimator } from '../../src/query/selectivity.js'
import { fragmentKey, sql, type Fragment } from '../../src/sql/fragment.js'

const table = { schema: 'vecs', name: 'docs', dimension: 2, type: 'vector' as const }
const filterOf = (condition: Fragment) => ({
  condition,
  key: fragmentKey(condition),
  indexed: true,
})

/** A database with `rows` rows, of which a sample of `sampled` holds `matched`. */
function database(rows: number, matched: number, sampled: number) {
  const sent: { text: string; values: readonly unknown[] }[] = []
  const db: Queryable = {
    async query<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
      sent.push({ text, values })
      return (/TABLESAMPLE/.test(text) ? [{ matched, sampled }] : [{ rows }]) as R[]
    },
    copyFrom: async () => {},
  }
  return { db, sent }
}

test('a filter’s share is counted on a sample of about 2,000 rows, and kept per filter', async () => {
  const { db, sent } = database(1_000_000, 20, 2000)
  const estimate = selectivityEstimator(db, table)
  const rare = filterOf(sql`metadata @> ${'{"a":1}'}::jsonb`)
  assert.deepEqual(await estimate(rare), { share: 0.01, rows: 1_000_000 })
  const sample = sent.find((s) => /TABLESAMPLE SYSTEM/.test(s.text))
  assert.ok(sample, 'sampled')
  assert.ok(sample.values.includes(0.2), `0.2% of a million rows: ${JSON.stringify(sample.values)}`)
  assert.ok(sample.values.includes('{"a":1}'), 'the filter’s values are bound')
  // The same filter again is answered from memory; another value is another filter.
  const before = sent.length
  await estimate(filterOf(sql`metadata @> ${'{"a":1}'}::jsonb`))
  assert.equal(sent.length, before)
  await estimate(filterOf(sql`metadata @> ${'{"a":2}'}::jsonb`))
  assert.equal(sent.length, before + 2)
})

test('a small table is counted whole; a filter no sampled row matches is under one in the sample', async () => {
  const { db, sent } = database(500, 0, 500)
  const { share } = await selectivityEstimator(db, table)(filterOf(sql`TRUE`))
  assert.equal(share, 0.5 / 500)
  assert.ok(sent.some((s) => /TABLESAMPLE/.test(s.text) && s.values.includes(100)))
  const empty = database(0, 0, 0)
  assert.equal((await selectivityEstimator(empty.db, table)(filterOf(sql`TRUE`))).share, 1)
})
