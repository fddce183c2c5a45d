/**
 * A collection with a metadata schema (a Standard Schema: zod here) checks every record's metadata
 * on upsert, stores what the schema returns, and writes nothing of a call with a record it rejects.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { ArgError } from '../src/index.js'
import { describeEachBackend } from './backends.js'

const schema = z.object({
  lang: z.enum(['en', 'fr']),
  words: z.number().int().default(0),
})

describeEachBackend('metadata schema', (b) => {
  const collection = () =>
    b.client.getOrCreateCollection(b.uniqueName('typed'), { dimension: 2, metadataSchema: schema })

  test('upsert stores the metadata as the schema returns it (defaults filled in)', async () => {
    const c = await collection()
    await c.upsert([
      ['a', [1, 0], { lang: 'en', words: 3 }],
      { id: 'b', vector: [0, 1], metadata: { lang: 'fr' } as z.infer<typeof schema> },
    ])
    assert.deepEqual(
      (await c.fetch(['a', 'b'])).map((r) => r.metadata),
      [
        { lang: 'en', words: 3 },
        { lang: 'fr', words: 0 },
      ],
    )
    const rows = await c.query({
      data: [0, 1],
      limit: 1,
      includeMetadata: true,
      filters: { lang: 'fr' },
    })
    assert.equal(rows[0]?.metadata.words, 0)
  })

  test('a record the schema rejects is an ArgError naming it and the issue; nothing is written', async () => {
    const c = await collection()
    await c.upsert([['kept', [1, 1], { lang: 'en' }]] as never)
    const bad = [
      ['ok', [1, 0], { lang: 'en' }],
      ['wrong', [0, 1], { lang: 'de' }],
    ] as never
    await assert.rejects(c.upsert(bad), (error: unknown) => {
      assert.ok(error instanceof ArgError, String(error))
      assert.match(error.message, /the metadata of record "wrong" does not match/)
      assert.match(error.message, /lang: /)
      assert.doesNotMatch(error.message, /"de"/, 'no metadata values in messages')
      return true
    })
    // A stream fails where the record comes, and its earlier batches roll back with it.
    async function* stream() {
      for (let i = 0; i < 1500; i++) yield [`s${i}`, [1, i], { lang: i === 1400 ? 'xx' : 'fr' }]
    }
    await assert.rejects(c.upsert(stream() as never), /record "s1400"/)
    assert.equal(await c.count(), 1)
    assert.deepEqual(await c.fetch(['ok', 's0']), [])
  })

  test('a metadataSchema that is not a Standard Schema is an ArgError', async () => {
    for (const metadataSchema of [{}, { '~standard': { version: 2, validate() {} } }, 'zod']) {
      await assert.rejects(
        b.client.getOrCreateCollection(b.uniqueName('bad'), {
          dimension: 2,
          metadataSchema: metadataSchema as never,
        }),
        (error) => error instanceof ArgError && /Standard Schema/.test(error.message),
      )
    }
  })
})
