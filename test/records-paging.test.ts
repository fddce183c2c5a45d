/**
 * Records beyond nearest neighbours: count with a filter, pages in id order with a cursor that
 * holds while records are written, scan, and metadata updates that never re-send vectors.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ArgError, FilterError, type Collection, type FetchedRecord } from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { randomVectors } from './support/data.js'

interface Movie {
  genre: string
  year: number
  seen?: boolean
}

const GENRES = ['action', 'drama', 'comedy']

describeEachBackend('records: count, list, scan, updateMetadata', (b) => {
  const movies = async (n = 250) => {
    const c = await b.client.getOrCreateCollection<Movie>(b.uniqueName('movies'), { dimension: 4 })
    const vectors = randomVectors(n, 4, 3)
    const records = vectors.map(
      (v, i) =>
        [
          `m${String(i).padStart(3, '0')}`,
          v,
          { genre: GENRES[i % 3]!, year: 1950 + (i % 70) },
        ] as const,
    )
    await c.upsert(records)
    return { c, records }
  }
  const all = async (c: Collection<Movie>) => {
    const out: FetchedRecord<Movie>[] = []
    for await (const page of c.scan({ pageSize: 40 })) out.push(...page)
    return out
  }

  test('count takes a filter, counting what it matches', async () => {
    const { c, records } = await movies()
    assert.equal(await c.count(), 250)
    const drama = records.filter((r) => r[2].genre === 'drama').length
    assert.equal(await c.count({ filters: { genre: 'drama' } }), drama)
    const late = records.filter((r) => r[2].year >= 2000 && r[2].genre !== 'action').length
    assert.equal(
      await c.count({ filters: { year: { $gte: 2000 }, genre: { $ne: 'action' } } }),
      late,
    )
    await assert.rejects(c.count({ filters: { year: { $gt: [1] } } } as never), FilterError)
    await assert.rejects(c.count({ filter: {} } as never), ArgError)
  })

  test('list pages in id order; the cursor resumes after its page whatever is written meanwhile', async () => {
    const { c, records } = await movies()
    const first = await c.list({ limit: 100 })
    assert.deepEqual(
      first.records.map((r) => r.id),
      records.slice(0, 100).map((r) => r[0]),
    )
    assert.deepEqual(first.records[0]?.metadata, records[0]?.[2])
    assert.equal(first.records[0]?.vector.length, 4)
    assert.ok(first.cursor)
    // Written between pages: one id before the cursor (never seen), one after (seen in its place).
    await c.upsert([
      ['a_early', [1, 1, 1, 1], { genre: 'drama', year: 2000 }],
      ['m1505', [1, 1, 1, 1], { genre: 'drama', year: 2000 }],
    ])
    const second = await c.list({ limit: 100, cursor: first.cursor })
    const third = await c.list({ limit: 100, cursor: second.cursor })
    const ids = [...first.records, ...second.records, ...third.records].map((r) => r.id)
    assert.equal(third.cursor, null)
    assert.deepEqual(ids, [...records.map((r) => r[0]), 'm1505'].sort())
    // Filtered pages, and scan over all of them.
    const dramas = await c.list({ filters: { genre: 'drama' }, limit: 1000 })
    assert.equal(dramas.records.length, records.filter((r) => r[2].genre === 'drama').length + 2)
    assert.equal(dramas.cursor, null)
    assert.equal((await all(c)).length, 252)
  })

  test('bad list options are ArgErrors', async () => {
    const { c } = await movies(5)
    for (const options of [
      { limit: 0 },
      { limit: 10_001 },
      { limit: 1.5 },
      { cursor: 'm001' },
      { cursor: 5 },
      { page: 1 },
    ])
      await assert.rejects(c.list(options as never), ArgError, JSON.stringify(options))
  })

  test('scan yields pages of pageSize records, filtered, and checks pageSize', async () => {
    const { c, records } = await movies(95)
    const sizes: number[] = []
    const ids: string[] = []
    for await (const page of c.scan({ filters: { genre: 'drama' }, pageSize: 10 })) {
      sizes.push(page.length)
      ids.push(...page.map((r) => r.id))
    }
    const dramas = records.filter((r) => r[2].genre === 'drama').map((r) => r[0])
    assert.deepEqual(ids, dramas.sort())
    assert.equal(sizes.length, Math.ceil(dramas.length / 10))
    assert.ok(sizes.slice(0, -1).every((n) => n === 10))
    for (const pageSize of [0, 10_001, 2.5, '10'])
      await assert.rejects(c.scan({ pageSize } as never).next(), ArgError, String(pageSize))
  })

  test('updateMetadata merges a patch by ids or filter, or replaces; vectors stay; atomic', async () => {
    const { c, records } = await movies(30)
    const before = await c.fetch(['m000'])
    assert.deepEqual(await c.updateMetadata({ ids: ['m000', 'm001', 'nope'] }, { seen: true }), [
      'm000',
      'm001',
    ])
    const [after] = await c.fetch(['m000'])
    assert.deepEqual(after?.metadata, { ...records[0]?.[2], seen: true })
    assert.deepEqual(after?.vector, before[0]?.vector)
    const dramas = records.filter((r) => r[2].genre === 'drama').map((r) => r[0])
    assert.deepEqual(
      (await c.updateMetadata({ filters: { genre: 'drama' } }, { year: 1 })).sort(),
      dramas.sort(),
    )
    assert.equal(await c.count({ filters: { year: 1 } }), dramas.length)
    await c.updateMetadata({ ids: ['m002'] }, { genre: 'noir', year: 2 }, { replace: true })
    assert.deepEqual((await c.fetch(['m002']))[0]?.metadata, { genre: 'noir', year: 2 })
    // Refused before anything is written.
    const snapshot = await all(c)
    for (const [what, patch] of [
      [{ filters: {} }, { seen: false }],
      [{ ids: ['m003'] }, { year: Number.NaN }],
      [{ ids: ['m003'] }, 'seen'],
      [{ ids: ['m003'], filters: { year: 1 } }, { seen: false }],
    ] as const)
      await assert.rejects(c.updateMetadata(what as never, patch as never), ArgError)
    await assert.rejects(
      c.updateMetadata({ ids: ['m003'] }, {}, { merge: true } as never),
      ArgError,
    )
    assert.deepEqual(await all(c), snapshot)
  })

  test('with a metadata schema, every updated record is checked first, and stored as it returns', async () => {
    const schema = z.object({
      genre: z.string(),
      year: z.number().int(),
      seen: z.boolean().default(false),
    })
    const c = await b.client.getOrCreateCollection(b.uniqueName('checked'), {
      dimension: 2,
      metadataSchema: schema,
    })
    await c.upsert([
      ['a', [1, 0], { genre: 'x', year: 1 }],
      ['b', [0, 1], { genre: 'y', year: 2 }],
    ] as never)
    await assert.rejects(
      c.updateMetadata({ filters: { seen: false } }, { year: 2.5 }),
      /the metadata of record "a" does not match/,
    )
    assert.deepEqual((await c.fetch(['a']))[0]?.metadata, { genre: 'x', year: 1, seen: false })
    await c.updateMetadata({ ids: ['b'] }, { genre: 'z', year: 3 } as never, { replace: true })
    assert.deepEqual((await c.fetch(['b']))[0]?.metadata, { genre: 'z', year: 3, seen: false })
  })
})
