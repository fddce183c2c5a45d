// The README's first example: embedded PGlite, nothing to install or start.
import { createClient } from '../src/index.js'

const vx = await createClient() // or createClient('postgresql://user:pass@host:5432/db')

const docs = await vx.getOrCreateCollection('docs', { dimension: 3 })
await docs.upsert([
  ['vec0', [0.1, 0.2, 0.3], { year: 1973 }],
  ['vec1', [0.7, 0.8, 0.9], { year: 2012 }],
])
await docs.createIndex() // HNSW, cosine distance

const hits = await docs.query({
  data: [0.4, 0.5, 0.6],
  limit: 1,
  filters: { year: { $gt: 2000 } },
  includeValue: true,
})
console.log(hits) // [ { id: 'vec1', value: 0.0018… } ]
await vx.disconnect()
