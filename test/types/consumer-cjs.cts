// A CommonJS TypeScript project: `import … = require('vecs')` resolves vecs' CommonJS types.
import vecs = require('vecs')

export async function main(): Promise<string[]> {
  const vx = await vecs.createClient()
  const docs = await vx.getOrCreateCollection('docs', { dimension: 2 })
  const ids: string[] = await docs.query({ data: [1, 2], efSearch: undefined })
  await vx.disconnect()
  return ids
}
