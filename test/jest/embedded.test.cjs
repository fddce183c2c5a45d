// vecs as a CommonJS project on Jest requires it: the embedded database, in memory.
const { createClient, CollectionNotFound } = require('vecs')

test('require("vecs") runs the quickstart on the embedded database', async () => {
  const vx = await createClient()
  try {
    const docs = await vx.getOrCreateCollection('docs', { dimension: 3 })
    await docs.upsert([
      ['a', [1, 0, 0], { year: 2024 }],
      ['b', [0, 1, 0], { year: 2025 }],
    ])
    await docs.createIndex()
    expect(await docs.query({ data: [0, 0.9, 0.1], limit: 1 })).toEqual(['b'])
    expect(await docs.query({ data: [0, 1, 0], filters: { year: { $lt: 2025 } } })).toEqual(['a'])
    await expect(vx.getCollection('missing')).rejects.toBeInstanceOf(CollectionNotFound)
  } finally {
    await vx.disconnect()
  }
}, 120_000)
