import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Adapter,
  ArgError,
  MismatchedDimension,
  ParagraphChunker,
  type AdapterStep,
  type UpsertRecord,
} from '../src/index.js'
import { describeEachBackend } from './backends.js'
import { fakeVector, FakeEmbedding } from './support/fake-embedding.js'

const PASSAGES: UpsertRecord<string>[] = [
  ['cats', 'A cat sleeps. Cats purr.', { topic: 'cats' }],
  ['dogs', 'A dog barks at another dog.', { topic: 'dogs' }],
  ['pets', 'Fish swim.\n\nA dog chases a cat.', { topic: 'mixed' }],
]

/** Paragraphs chunked on upsert, queries embedded whole: the usual text pipeline, faked. */
const textAdapter = () =>
  new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new FakeEmbedding()])

describeEachBackend('adapters', (b) => {
  const texts = async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { adapter: textAdapter() })
    await c.upsert(PASSAGES)
    return c
  }

  test('a collection with an adapter takes its dimension from the adapter', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { adapter: textAdapter() })
    assert.equal(c.dimension, 3)
    assert.equal((await b.client.getCollection(c.name)).dimension, 3)
  })

  test('a dimension that disagrees with the adapter is a MismatchedDimension', async () => {
    const name = b.uniqueName()
    await assert.rejects(
      b.client.getOrCreateCollection(name, { dimension: 9, adapter: textAdapter() }),
      MismatchedDimension,
    )
    const agreed = await b.client.getOrCreateCollection(name, {
      dimension: 3,
      adapter: textAdapter(),
    })
    assert.equal(agreed.dimension, 3)
  })

  test('an existing collection of another dimension than the adapter is a MismatchedDimension', async () => {
    const sixteen = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 16 })
    await assert.rejects(
      b.client.getOrCreateCollection(sixteen.name, { adapter: textAdapter() }),
      MismatchedDimension,
    )
    const three = await b.client.getOrCreateCollection(b.uniqueName(), { adapter: textAdapter() })
    await assert.rejects(
      b.client.getOrCreateCollection(three.name, { dimension: 1 }),
      MismatchedDimension,
    )
  })

  test('an adapter that exports no dimension needs one to create a collection', async () => {
    const chunkOnly = new Adapter([new ParagraphChunker({ skipDuringQuery: true })])
    const name = b.uniqueName()
    await assert.rejects(b.client.getOrCreateCollection(name, { adapter: chunkOnly }), ArgError)
    const c = await b.client.getOrCreateCollection(name, { dimension: 3, adapter: chunkOnly })
    assert.equal(c.dimension, 3)
  })

  test('an adapter must be an Adapter, not a bare step', async () => {
    const step = new FakeEmbedding() as unknown as Adapter<string>
    await assert.rejects(
      b.client.getOrCreateCollection(b.uniqueName(), { adapter: step }),
      ArgError,
    )
  })

  test('upsert runs text through the adapter: chunk ids, vectors, metadata', async () => {
    const c = await texts()
    assert.equal(await c.count(), 4)
    assert.deepEqual(await c.fetch(['cats_para_000', 'pets_para_000', 'pets_para_001']), [
      {
        id: 'cats_para_000',
        vector: fakeVector('A cat sleeps. Cats purr.'),
        metadata: { topic: 'cats' },
      },
      { id: 'pets_para_000', vector: fakeVector('Fish swim.'), metadata: { topic: 'mixed' } },
      {
        id: 'pets_para_001',
        vector: fakeVector('A dog chases a cat.'),
        metadata: { topic: 'mixed' },
      },
    ])
  })

  test('upsert streams iterables and async iterables through the adapter', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { adapter: textAdapter() })
    async function* many(): AsyncGenerator<UpsertRecord<string>> {
      for (let i = 0; i < 2500; i++) yield { id: `t${i}`, vector: i % 2 ? 'cat' : 'dog\n\nfish' }
    }
    await c.upsert(many())
    assert.equal(await c.count(), 3750)
    await c.upsert(new Set<UpsertRecord<string>>([['s', 'fish']]))
    assert.equal(await c.count(), 3751)
  })

  test('query runs text through the adapter and finds the nearest chunk', async () => {
    const c = await texts()
    assert.deepEqual(await c.query({ data: 'cat', limit: 1 }), ['cats_para_000'])
    assert.deepEqual(await c.query({ data: 'dog dog', limit: 1 }), ['dogs_para_000'])
    const [fish] = await c.query({ data: 'fish', limit: 1, includeMetadata: true })
    assert.deepEqual(fish, { id: 'pets_para_000', metadata: { topic: 'mixed' } })
  })

  test('query with an adapter that chunks at query time and splits the text is an ArgError', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter([new ParagraphChunker({ skipDuringQuery: false }), new FakeEmbedding()]),
    })
    await c.upsert([['a', 'cat\n\ndog']])
    assert.deepEqual(await c.query({ data: 'just one cat', limit: 1 }), ['a_para_000'])
    await assert.rejects(c.query({ data: 'I split\n\ninto two records' }), ArgError)
    await assert.rejects(c.query({ data: '\n\n' }), /no vector/)
  })

  test('query through an adapter that yields no record is an ArgError', async () => {
    const swallow: AdapterStep = { exportedDimension: 3, async *run() {} }
    const c = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter([swallow]),
    })
    await assert.rejects(c.query({ data: 'anything' }), ArgError)
  })

  test('skipAdapter: upsert and query take vectors past the adapter', async () => {
    const c = await texts()
    await c.upsert(
      [
        ['v1', [0, 0, 9], { raw: true }],
        ['v2', new Float32Array([0, 9, 0])],
      ],
      { skipAdapter: true },
    )
    assert.deepEqual(await c.fetch(['v1']), [
      { id: 'v1', vector: [0, 0, 9], metadata: { raw: true } },
    ])
    assert.deepEqual(await c.query({ data: [0, 0, 1], limit: 1, skipAdapter: true }), ['v1'])
    assert.deepEqual(await c.query({ data: [0, 1, 0], limit: 1, skipAdapter: true }), ['v2'])
  })

  test('vectors without skipAdapter, or text with it, are ArgErrors that write nothing', async () => {
    const c = await texts()
    await assert.rejects(
      c.upsert([['v', [1, 2, 3]]] as unknown as UpsertRecord<string>[]),
      ArgError,
    )
    await assert.rejects(c.upsert([['t', 'cat']], { skipAdapter: true } as never), ArgError)
    await assert.rejects(c.query({ data: [1, 2, 3] } as never), ArgError)
    await assert.rejects(c.query({ data: 'cat', skipAdapter: true } as never), ArgError)
    assert.equal(await c.count(), 4)
  })

  test('skipAdapter must be a boolean', async () => {
    const c = await texts()
    await assert.rejects(c.upsert([['x', 'cat']], { skipAdapter: 'yes' as never }), ArgError)
    await assert.rejects(c.query({ data: 'cat', skipAdapter: 1 as never }), ArgError)
  })

  test('an adapter failing mid-stream leaves the collection as it was', async () => {
    const c = await texts()
    async function* input(): AsyncGenerator<UpsertRecord<string>> {
      for (let i = 0; i < 3000; i++) yield [`ok${i}`, 'cat']
      yield ['bad', 42 as unknown as string]
    }
    await assert.rejects(c.upsert(input()), ArgError)
    await assert.rejects(
      c.upsert([
        ['ok', 'cat'],
        ['bad', null as unknown as string],
      ]),
      ArgError,
    )
    assert.equal(await c.count(), 4)
  })

  test('getCollection gives the collection without its adapter: vectors only', async () => {
    const c = await texts()
    const plain = await b.client.getCollection(c.name)
    assert.equal(plain.adapter, null)
    assert.deepEqual(await plain.query({ data: fakeVector('cat'), limit: 1 }), ['cats_para_000'])
    await assert.rejects(plain.query({ data: 'cat' } as never), /has no adapter/)
    const reopened = await b.client.getOrCreateCollection(c.name, { adapter: textAdapter() })
    assert.deepEqual(await reopened.query({ data: 'cat', limit: 1 }), ['cats_para_000'])
  })

  test('a collection without an adapter refuses text with a clear ArgError', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await assert.rejects(c.query({ data: 'cat' } as never), ArgError)
    await assert.rejects(c.upsert([['t', 'cat']] as never), ArgError)
    assert.equal(await c.count(), 0)
  })
})
