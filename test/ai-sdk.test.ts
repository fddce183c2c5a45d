/**
 * `vecs/ai`: an adapter step over any Vercel AI SDK embedding model, driven with the SDK's own mock
 * model (the same text gives the same vector; the model takes at most three texts a call).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MockEmbeddingModelV4 } from 'ai/test'
import { describeEachBackend } from './backends.js'
import { Adapter, ArgError, ParagraphChunker, VecsError } from '../src/index.js'
import { AiSdkEmbedding } from '../src/integrations/ai-sdk.js'

/** Letter counts of a text, a-h, normalized: similar texts are near, equal texts are equal. */
function letters(text: string, dimension = 8): number[] {
  const counts = Array.from({ length: dimension }, (_, i) => {
    const letter = String.fromCharCode(97 + i)
    return 1 + [...text.toLowerCase()].filter((c) => c === letter).length
  })
  const norm = Math.hypot(...counts)
  return counts.map((c) => c / norm)
}

function mockModel(dimension = 8) {
  return new MockEmbeddingModelV4({
    maxEmbeddingsPerCall: 3,
    doEmbed: async ({ values }) => ({
      embeddings: values.map((v) => letters(String(v), dimension)),
      warnings: [],
    }),
  })
}

const TEXTS = [
  'a bad cab',
  'beef had a deed',
  'cafe bagged',
  'hedge edge',
  'face a fad',
  'gag bag',
  'head bead',
  'ace dice',
  'egg feed',
  'bee hive',
]

describeEachBackend('vecs/ai', (b) => {
  test('texts are embedded through embedMany in batches, and queries find them', async () => {
    const model = mockModel()
    const docs = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter([new AiSdkEmbedding({ model, dimension: 8, batchSize: 4 })]),
    })
    assert.equal(docs.dimension, 8)
    await docs.upsert(TEXTS.map((text, i) => [`t${i}`, text, { i }] as const))
    assert.equal(await docs.count(), TEXTS.length)
    // Batches of 4 texts, each split by the SDK to the model's 3 a call: 4 → 3 + 1, 4 → 3 + 1, 2.
    assert.deepEqual(
      model.doEmbedCalls.map((call) => call.values.length),
      [3, 1, 3, 1, 2],
    )
    const [stored] = await docs.fetch(['t3'])
    assert.deepEqual(
      Array.from(stored!.vector, (x) => Number(x.toFixed(5))),
      letters(TEXTS[3]!).map((x) => Number(x.toFixed(5))),
    )
    assert.deepEqual(await docs.query({ data: 'hedge edge', limit: 1 }), ['t3'])
  })

  test('after a chunker, each chunk is embedded; a vector of another length writes nothing', async () => {
    const docs = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter([
        new ParagraphChunker({ skipDuringQuery: true }),
        new AiSdkEmbedding({ model: mockModel(), dimension: 8 }),
      ]),
    })
    await docs.upsert([['doc', 'a bad cab\n\nbee hive', {}]])
    assert.deepEqual(
      (await docs.list()).records.map((r) => r.id),
      ['doc_para_000', 'doc_para_001'],
    )

    const wrong = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter([new AiSdkEmbedding({ model: mockModel(5), dimension: 8 })]),
    })
    await assert.rejects(wrong.upsert([['x', 'a bad cab']]), (error: unknown) => {
      assert.ok(error instanceof VecsError)
      assert.match(error.message, /returned 5 numbers for record "x", not 8/)
      return true
    })
    assert.equal(await wrong.count(), 0)
  })

  test("textKey keeps each chunk's text, for hybrid search over the same words", async () => {
    const docs = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter([
        new ParagraphChunker({ skipDuringQuery: true }),
        new AiSdkEmbedding({ model: mockModel(), dimension: 8, textKey: 'body' }),
      ]),
    })
    await docs.upsert([['doc', 'a bad cab\n\nbee hive', { lang: 'en' }]])
    const stored = await docs.fetch(['doc_para_000', 'doc_para_001'])
    assert.deepEqual(
      stored.map((r) => r.metadata),
      [
        { lang: 'en', body: 'a bad cab' },
        { lang: 'en', body: 'bee hive' },
      ],
    )
    await docs.createTextIndex({ key: 'body' })
    assert.deepEqual(await docs.query({ text: 'hive' }), ['doc_para_001'])
    // The same string as the query's data (through the adapter) and as its words.
    const [best] = await docs.query({ data: 'bee hive', text: 'bee hive', includeValue: true })
    assert.equal(best?.id, 'doc_para_001')
    assert.deepEqual([best?.ranking.vectorRank, best?.ranking.textRank], [1, 1])
  })

  test('bad options are ArgErrors', () => {
    const model = mockModel()
    assert.throws(() => new AiSdkEmbedding({ model, dimension: 8, textKey: '' }), ArgError)
    assert.throws(() => new AiSdkEmbedding({} as never), ArgError)
    assert.throws(() => new AiSdkEmbedding({ model, dimension: 0 }), ArgError)
    assert.throws(() => new AiSdkEmbedding({ model, dimension: 8, batchSize: 0 }), ArgError)
    assert.throws(
      () => new AiSdkEmbedding({ model, dimension: 8, maxParallelCalls: 1.5 }),
      ArgError,
    )
  })
})
