/**
 * Metadata numbers are never changed on the way in or out: integers beyond 2^53 (which a
 * JavaScript number cannot hold) come back as `bigint` and go back as the same integer; a decimal
 * with more digits than a float64 keeps is refused rather than rounded.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { UnrepresentableValue, type Collection } from '../src/index.js'
import { describeEachBackend, type TestBackend } from './backends.js'

const BIG = 9007199254740993n // 2^53 + 1: as a number it would read 9007199254740992

describeEachBackend('metadata numbers', (b) => {
  /** A collection with one row written past vecs, as another client (Python vecs, psql) would. */
  async function writtenByAnotherClient(metadata: string): Promise<Collection> {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await b.raw(
      `INSERT INTO "${c.schema}"."${c.name}" (id, vec, metadata) VALUES ('a', '[1,2,3]', $1::jsonb)`,
      [metadata],
    )
    return c
  }

  const stored = (c: Collection, path: string) =>
    raw(b, `SELECT metadata #>> '{${path}}' AS v FROM "${c.schema}"."${c.name}" WHERE id = 'a'`)

  test('integers beyond 2^53 are fetched as bigint, exactly', async () => {
    const c = await writtenByAnotherClient(`{"n": ${BIG}, "list": [-${BIG}0, 1], "small": 7}`)
    const [record] = await c.fetch(['a'])
    assert.deepEqual(record?.metadata, { n: BIG, list: [-BIG * 10n, 1], small: 7 })
  })

  test('a fetched record upserted back keeps its integers', async () => {
    const c = await writtenByAnotherClient(`{"n": ${BIG}, "nested": {"m": 123456789012345678901}}`)
    const [record] = await c.fetch(['a'])
    await c.upsert([['a', record?.vector as number[], record?.metadata]])
    assert.equal(await stored(c, 'n'), String(BIG))
    assert.equal(await stored(c, 'nested,m'), '123456789012345678901')
  })

  test('query results, samples and filters carry bigint metadata exactly', async () => {
    const c = await writtenByAnotherClient(`{"n": ${BIG}}`)
    await c.upsert([['b', [1, 2, 4], { n: BIG + 1n }]])
    const rows = await c.query({ data: [1, 2, 3], limit: 2, includeMetadata: true })
    assert.deepEqual(rows, [
      { id: 'a', metadata: { n: BIG } },
      { id: 'b', metadata: { n: BIG + 1n } },
    ])
    assert.deepEqual((await c.sample(2)).map((r) => r.metadata.n).sort(), [BIG, BIG + 1n])
    assert.deepEqual(await c.query({ data: [1, 2, 3], filters: { n: BIG + 1n } }), ['b'])
    assert.deepEqual(await c.query({ data: [1, 2, 3], filters: { n: { $gt: BIG } } }), ['b'])
    assert.deepEqual(await c.query({ data: [1, 2, 3], filters: { n: { $in: [BIG] } } }), ['a'])
  })

  test('a decimal a float64 cannot hold is refused with a typed error, not rounded', async () => {
    const c = await writtenByAnotherClient('{"pi": 3.14159265358979323846, "ok": 0.1}')
    await assert.rejects(c.fetch(['a']), UnrepresentableValue)
    await assert.rejects(c.query({ data: [1, 2, 3], includeMetadata: true }), (e: Error) => {
      assert.ok(e instanceof UnrepresentableValue)
      assert.equal((e as UnrepresentableValue).code, 'VECS_UNREPRESENTABLE')
      assert.doesNotMatch(e.message, /3\.14159/)
      return true
    })
    assert.deepEqual(await c.query({ data: [1, 2, 3] }), ['a'])
  })

  test('decimals that a float64 holds read as numbers, trailing zeros or not', async () => {
    const c = await writtenByAnotherClient('{"a": 1.50, "b": 0.30000000000000004, "c": -2.5e-7}')
    const [record] = await c.fetch(['a'])
    assert.deepEqual(record?.metadata, { a: 1.5, b: 0.30000000000000004, c: -2.5e-7 })
  })
})

async function raw(b: TestBackend, text: string): Promise<string | undefined> {
  const [row] = await b.raw<{ v: string }>(text)
  return row?.v
}
