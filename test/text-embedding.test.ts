/**
 * TextEmbedding with the real model (Universal Sentence Encoder lite, from the optional
 * @energetic-ai packages, installed as dev dependencies): vectors, meaning, the event loop, process
 * exit, and MissingDependency when the packages are not installed.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  Adapter,
  ArgError,
  createClient,
  ParagraphChunker,
  TextEmbedding,
  type AdapterRecord,
  type Client,
} from '../src/index.js'
import { buildPackage } from './support/built-package.js'
import { collect, stream } from './support/fake-embedding.js'

const T = { timeout: 120_000 }

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number)
  return dot
}

describe('TextEmbedding (real model)', () => {
  test('checks its options without loading the model', () => {
    assert.equal(new TextEmbedding().exportedDimension, 512)
    assert.equal(new TextEmbedding().batchSize, 32)
    for (const batchSize of [0, -1, 1.5, 1025, '8']) {
      assert.throws(() => new TextEmbedding({ batchSize: batchSize as number }), ArgError)
    }
    assert.throws(() => new TextEmbedding({ model: 'all-MiniLM-L6-v2' as never }), ArgError)
  })

  test('embeds text into 512-dim unit vectors, keeping ids and metadata', T, async () => {
    const records: AdapterRecord[] = [
      ['1', 'first one', { a: 1 }],
      ['2', 'next one', { a: 2 }],
      ['3', 'last one', { a: 3 }],
    ]
    const out = await collect(new TextEmbedding().run(stream(records), 'upsert'))
    assert.deepEqual(
      out.map(([id, , metadata]) => [id, metadata]),
      records.map(([id, , metadata]) => [id, metadata]),
    )
    for (const [, vector] of out) {
      assert.ok(vector instanceof Float32Array)
      assert.equal(vector.length, 512)
      assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-5)
    }
    // Different texts, different vectors.
    assert.ok(cosine(out[0]?.[1] as Float32Array, out[2]?.[1] as Float32Array) < 0.99)
  })

  test('textKey keeps each text in the metadata on upsert, not on query', T, async () => {
    const step = new TextEmbedding({ textKey: 'text' })
    const records: AdapterRecord[] = [['1', 'a cat', { a: 1 }]]
    const [upserted] = await collect(step.run(stream(records), 'upsert'))
    assert.deepEqual(upserted?.[2], { a: 1, text: 'a cat' })
    const [queried] = await collect(step.run(stream(records), 'query'))
    assert.deepEqual(queried?.[2], { a: 1 })
    assert.deepEqual(
      Array.from(queried![1] as Float32Array),
      Array.from(upserted![1] as Float32Array),
    )
    assert.throws(() => new TextEmbedding({ textKey: 7 as never }), ArgError)
  })

  test('the batch size does not change the vectors', T, async () => {
    const records: AdapterRecord[] = ['a cat', 'a dog', 'the sea', 'mountains'].map((text, i) => [
      `r${i}`,
      text,
      {},
    ])
    const byOne = await collect(new TextEmbedding({ batchSize: 1 }).run(stream(records), 'upsert'))
    const byThree = await collect(
      new TextEmbedding({ batchSize: 3 }).run(stream(records), 'upsert'),
    )
    byOne.forEach(([, v], i) => {
      const w = byThree[i]?.[1] as Float32Array
      assert.ok(cosine(v as Float32Array, w) > 0.999, `record ${i}`)
    })
  })

  test('empty text and media that is not text are ArgErrors', T, async () => {
    const embedding = new TextEmbedding()
    await assert.rejects(collect(embedding.run(stream([['e', '', {}]]), 'upsert')), ArgError)
    await assert.rejects(collect(embedding.run(stream([['n', [1, 2], {}]]), 'upsert')), ArgError)
  })

  test('the event loop keeps running while 128 long passages are embedded', T, async () => {
    const embedding = new TextEmbedding({ batchSize: 64 })
    await embedding.load()
    const passage = (i: number) =>
      `Passage ${i}. ` +
      'The quick brown fox jumps over the lazy dog near the river bank. '.repeat(8)
    const records = Array.from({ length: 128 }, (_, i): AdapterRecord => [`p${i}`, passage(i), {}])
    let last = performance.now()
    let longestGap = 0
    const timer = setInterval(() => {
      const now = performance.now()
      longestGap = Math.max(longestGap, now - last)
      last = now
    }, 10)
    const started = performance.now()
    const out = await collect(embedding.run(stream(records), 'upsert'))
    const seconds = (performance.now() - started) / 1000
    clearInterval(timer)
    // A timer that could not fire at all shows as the gap up to now.
    longestGap = Math.max(longestGap, performance.now() - last)
    assert.equal(out.length, 128)
    // One batch of 64 such passages takes the model well over a second of CPU; run on the main
    // thread, it would stop the timer for half the whole run (two batches). A loaded machine slows
    // the run and the timer alike, so the bound scales with the run: a sixth of it, at least 250 ms.
    const bound = Math.max(250, (seconds * 1000) / 6)
    assert.ok(
      longestGap < bound,
      `the event loop stalled for ${longestGap.toFixed(0)} ms of ${(seconds * 1000).toFixed(0)} ms`,
    )
    assert.ok(seconds > 0.5, `embedding took ${seconds} s, too little to show anything`)
  })
})

describe('search text with the real model', () => {
  let vx: Client
  before(async () => {
    vx = await createClient()
  }, T)
  after(() => vx.disconnect())

  test('a question about a kitten finds the passage about cats', T, async () => {
    const docs = await vx.getOrCreateCollection('passages', {
      adapter: new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new TextEmbedding()]),
    })
    assert.equal(docs.dimension, 512)
    await docs.upsert([
      [
        'animals',
        'Cats are small carnivorous mammals that people keep as pets. They purr, sleep most of the ' +
          'day and hunt mice.\n\nBees collect nectar from flowers and turn it into honey in their hives.',
        { source: 'zoology' },
      ],
      ['finance', 'The stock market fell sharply after the central bank raised interest rates.'],
      [
        'cooking',
        'Boil the pasta in salted water for nine minutes, then drain it and add the sauce.',
      ],
      ['space', 'The rocket reached orbit and deployed three communication satellites.'],
    ])
    assert.equal(await docs.count(), 5)
    const [best] = await docs.query({
      data: 'How should I look after my new kitten?',
      limit: 5,
      includeMetadata: true,
    })
    assert.deepEqual(best, { id: 'animals_para_000', metadata: { source: 'zoology' } })
    assert.deepEqual(await docs.query({ data: 'What do bees make?', limit: 1 }), [
      'animals_para_001',
    ])
  })
})

describe('TextEmbedding as a user installs vecs (built by tsc, plain node)', () => {
  const script = `
import { Adapter, createClient, ParagraphChunker, TextEmbedding } from './dist/index.js'
const vx = await createClient()
const docs = await vx.getOrCreateCollection('texts', {
  adapter: new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new TextEmbedding()]),
})
await docs.upsert([
  ['cats', 'Cats purr and chase mice.'],
  ['rates', 'The central bank raised interest rates.'],
])
console.log(JSON.stringify(await docs.query({ data: 'my kitten', limit: 1 })))
await vx.disconnect()
// No call stops the embedding worker: the process must exit on its own.
`

  test('runs from dist/ and the process exits when the script is done', T, async () => {
    const built = await buildPackage()
    try {
      const result = await built.runScript('search', script, 60_000)
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout.trim(), '["cats_para_000"]')
      assert.ok(result.ms < 30_000, `the script took ${result.ms} ms to exit`)
    } finally {
      await built.remove()
    }
  })

  test(
    'without the @energetic-ai packages: MissingDependency naming the install command',
    T,
    async () => {
      const built = await buildPackage(['@energetic-ai'])
      try {
        const result = await built.runScript(
          'missing',
          `
import { TextEmbedding } from './dist/index.js'
const embedding = new TextEmbedding()
console.log(embedding.exportedDimension)
try {
  for await (const _ of embedding.run((async function* () { yield ['a', 'text', {}] })(), 'upsert')) {}
} catch (error) {
  console.log(error.name, error.code)
  console.log(error.message)
}
try { await embedding.load() } catch (error) { console.log(error.name) }
`,
        )
        assert.equal(result.code, 0, result.stderr)
        const [dimension, kind, message, again] = result.stdout.trim().split('\n')
        assert.equal(dimension, '512')
        assert.equal(kind, 'MissingDependency VECS_MISSING_DEPENDENCY')
        assert.match(
          message ?? '',
          /npm install @energetic-ai\/core @energetic-ai\/embeddings @energetic-ai\/model-embeddings-en/,
        )
        assert.equal(again, 'MissingDependency')
      } finally {
        await built.remove()
      }
    },
  )
})
