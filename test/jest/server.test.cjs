// vecs as a CommonJS project on Jest requires it: a server, through node-postgres.
const { createClient } = require('vecs')

const url = process.env.VECS_JEST_DATABASE_URL

test('require("vecs") works on a server', async () => {
  if (url === undefined)
    throw new Error('VECS_JEST_DATABASE_URL is not set (test/commonjs.test.ts sets it)')
  const vx = await createClient(url)
  try {
    const docs = await vx.getOrCreateCollection('jest_docs', { dimension: 2 })
    await docs.upsert([['a', [1, 2], { tag: 'x' }]])
    expect(await docs.fetch(['a'])).toEqual([{ id: 'a', vector: [1, 2], metadata: { tag: 'x' } }])
    await vx.deleteCollection('jest_docs')
  } finally {
    await vx.disconnect()
  }
}, 60_000)
