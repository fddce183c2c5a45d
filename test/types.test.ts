/**
 * vecs' published types, as a strict user's project sees them (test/types/consumer.ts): they
 * compile with TypeScript 7 and 5.9 under `strict` and `exactOptionalPropertyTypes`, with no
 * `@types/node`, and still reject wrong calls. Needs the build (`npm test` builds first).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { createClient } from '../src/index.js'

const run = promisify(execFile)
const COMPILERS = [
  ['TypeScript 7', 'node_modules/typescript/bin/tsc'],
  ['TypeScript 5.9', 'node_modules/typescript-5/bin/tsc'],
] as const

for (const [name, tsc] of COMPILERS) {
  test(`the published types compile in a strict project without Node's types (${name})`, async () => {
    assert.ok(existsSync('dist/index.d.ts'), 'build first: npm run build')
    const result = await run(process.execPath, [tsc, '-p', 'test/types/tsconfig.json']).catch(
      (error: { stdout?: string; code?: number }) => ({
        stdout: error.stdout ?? '',
        code: error.code,
      }),
    )
    assert.equal(result.stdout, '', `${name} reports:\n${result.stdout}`)
  })
}

test('an option given as undefined is an option not given', async () => {
  const u = undefined
  const vx = await createClient(u, { schema: u, assumeDefaultSettings: u })
  try {
    const c = await vx.getOrCreateCollection('docs', { dimension: 3, type: u, adapter: u })
    await c.upsert(
      [
        ['a', [1, 2, 3]],
        ['b', [3, 2, 1]],
      ],
      { onProgress: u, skipAdapter: u },
    )
    const ids = await c.query({
      data: [1, 2, 3],
      limit: u,
      filters: u,
      measure: u,
      includeValue: u,
      includeMetadata: u,
      includeVector: u,
      probes: u,
      efSearch: u,
      skipAdapter: u,
      exact: u,
    })
    assert.deepEqual(ids, ['a', 'b'])
    await c.createIndex({ method: u, measure: u, indexArguments: u, replace: u, onProgress: u })
    assert.equal((await c.getIndex())?.method, 'hnsw')
  } finally {
    await vx.disconnect()
  }
})
