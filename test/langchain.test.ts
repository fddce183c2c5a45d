/**
 * `vecs/langchain`: LangChain.js' VectorStore on a vecs collection, driven with LangChain's own
 * deterministic test embeddings (the same text gives the same vector, different texts differ).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Document } from '@langchain/core/documents'
import { SyntheticEmbeddings } from '@langchain/core/utils/testing'
import { describeEachBackend } from './backends.js'
import { Adapter, ArgError, NoOp } from '../src/index.js'
import { VecsVectorStore } from '../src/integrations/langchain.js'

const embeddings = new SyntheticEmbeddings({ vectorSize: 16 })

const PETS = [
  new Document({ pageContent: 'Cats sleep most of the day', metadata: { topic: 'cats', n: 1 } }),
  new Document({ pageContent: 'Kittens chase string and yarn', metadata: { topic: 'cats', n: 2 } }),
  new Document({ pageContent: 'Dogs love a long walk outside', metadata: { topic: 'dogs', n: 3 } }),
  new Document({ pageContent: 'Puppies chew on every shoe', metadata: { topic: 'dogs', n: 4 } }),
  new Document({
    pageContent: 'Goldfish swim in small circles',
    metadata: { topic: 'fish', n: 5 },
  }),
]

describeEachBackend('vecs/langchain', (b) => {
  async function store(options: { textKey?: string } = {}) {
    const collection = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 16 })
    return new VecsVectorStore(embeddings, { collection, ...options })
  }

  test('documents go in with ids and come back by similarity, with scores and metadata', async () => {
    const s = await store()
    const ids = await s.addDocuments(PETS, { ids: PETS.map((_, i) => `pet${i}`) })
    assert.deepEqual(ids, ['pet0', 'pet1', 'pet2', 'pet3', 'pet4'])
    assert.equal(await s.collection.count(), 5)
    const hits = await s.similaritySearchWithScore(PETS[2]!.pageContent, 2)
    const [best, score] = hits[0]!
    const second = hits[1]
    assert.equal(best.id, 'pet2')
    assert.equal(best.pageContent, PETS[2]!.pageContent)
    assert.deepEqual(best.metadata, { topic: 'dogs', n: 3 })
    assert.ok(Math.abs(score - 1) < 1e-5, `the same text scores 1 (cosine similarity): ${score}`)
    assert.ok(second![1] < score, 'scores are higher for nearer documents')
    // Without ids: a document's own id, else a new UUID.
    const more = await s.addDocuments([
      new Document({ id: 'mine', pageContent: 'Parrots repeat words' }),
      new Document({ pageContent: 'Hamsters run on wheels' }),
    ])
    assert.equal(more[0], 'mine')
    assert.match(more[1]!, /^[0-9a-f-]{36}$/)
    // The text is kept under textKey ('text'): a text index searches the documents' words.
    await s.collection.createTextIndex()
    assert.deepEqual(await s.collection.query({ text: 'chasing kittens' }), ['pet1'])
  })

  test('filters are vecs filters; delete takes ids or a filter', async () => {
    const s = await store()
    await s.addDocuments(PETS)
    const dogs = await s.similaritySearch('Cats sleep most of the day', 5, {
      topic: { $eq: 'dogs' },
    })
    assert.deepEqual(dogs.map((d) => d.metadata.topic).sort(), ['dogs', 'dogs'])
    const late = await s.similaritySearch('fish', 5, { n: { $gte: 4 } })
    assert.deepEqual(late.map((d) => d.metadata.n).sort(), [4, 5])
    await s.delete({ filter: { topic: { $eq: 'cats' } } })
    assert.equal(await s.collection.count(), 3)
    const [fish] = await s.similaritySearch('Goldfish swim in small circles', 1)
    await s.delete({ ids: [fish!.id!] })
    assert.equal(await s.collection.count(), 2)
    await assert.rejects(s.delete({}), ArgError)
  })

  test('maximal marginal relevance picks different documents where plain search repeats', async () => {
    const s = await store()
    const twin = 'Cats sleep most of the day'
    await s.addDocuments([
      new Document({ id: 'a', pageContent: twin }),
      new Document({ id: 'b', pageContent: twin }),
      ...PETS.slice(1),
    ])
    const plain = await s.similaritySearch(twin, 2)
    assert.deepEqual(plain.map((d) => d.id).sort(), ['a', 'b'])
    const diverse = await s.maxMarginalRelevanceSearch(twin, { k: 2, fetchK: 6, lambda: 0.1 })
    assert.equal(diverse.length, 2)
    assert.ok(['a', 'b'].includes(diverse[0]!.id!), 'the most relevant comes first')
    assert.ok(!['a', 'b'].includes(diverse[1]!.id!), 'then one unlike it, not its twin')
    const filtered = await s.maxMarginalRelevanceSearch(twin, {
      k: 2,
      filter: { topic: { $eq: 'dogs' } },
    })
    assert.deepEqual(
      filtered.map((d) => d.metadata.topic),
      ['dogs', 'dogs'],
    )
  })

  test('asRetriever, fromTexts, and a collection with an adapter', async () => {
    const collection = await b.client.getOrCreateCollection(b.uniqueName(), {
      adapter: new Adapter<number[]>([new NoOp(16)]),
    })
    const s = await VecsVectorStore.fromTexts(
      PETS.map((d) => d.pageContent),
      PETS.map((d) => d.metadata),
      embeddings,
      { collection, textKey: 'body' },
    )
    const [stored] = await collection.fetch([(await collection.list()).records[0]!.id])
    assert.equal(typeof stored?.metadata.body, 'string')
    const found = await s.asRetriever({ k: 1 }).invoke('Puppies chew on every shoe')
    assert.deepEqual(
      found.map((d) => d.pageContent),
      ['Puppies chew on every shoe'],
    )
    await assert.rejects(
      s.addDocuments([new Document({ pageContent: 'x', metadata: { body: 'clash' } })]),
      /textKey/,
    )
    assert.throws(() => new VecsVectorStore(embeddings, {} as never), ArgError)
  })
})
