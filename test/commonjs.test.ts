/**
 * vecs from CommonJS: `require('vecs')` loads the CommonJS build (dist/cjs) in a plain Node
 * process, and in Jest, which on Node 20 runs CommonJS only. The embedded database under Jest
 * needs `--experimental-vm-modules`: PGlite's own CommonJS build loads Node's modules with
 * `import()`, which Jest refuses without it (README, "CommonJS and Jest"). Needs the build.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { servePGlite } from './backends.js'

const run = promisify(execFile)

test('require("vecs") in a CommonJS process loads the CommonJS build and runs a query', async () => {
  assert.ok(existsSync('dist/cjs/index.js'), 'build first: npm run build')
  const script = `
    const vecs = require('vecs')
    const path = require.resolve('vecs')
    ;(async () => {
      const vx = await vecs.createClient()
      const docs = await vx.getOrCreateCollection('docs', { dimension: 2 })
      await docs.upsert([['a', [1, 2]], ['b', [2, -1]]])
      const ids = await docs.query({ data: [1, 2], limit: 1 })
      let error = null
      try { await docs.upsert([['c', [1, 2, 3]]]) } catch (e) { error = e instanceof vecs.MismatchedDimension }
      await vx.disconnect()
      console.log(JSON.stringify({ path, ids, error, esm: typeof module === 'undefined' }))
    })()
  `
  const { stdout } = await run(process.execPath, ['-e', script])
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
  assert.match(result.path, /dist\/cjs\/index\.js$/)
  assert.deepEqual(result.ids, ['a'])
  assert.equal(result.error, true, 'errors are vecs’ own classes')
  assert.equal(result.esm, false)
})

test('the integrations load from CommonJS too, with the errors of the same vecs', async () => {
  const script = `
    const vecs = require('vecs')
    const { VecsVectorStore } = require('vecs/langchain')
    const { AiSdkEmbedding } = require('vecs/ai')
    const { SyntheticEmbeddings } = require('@langchain/core/utils/testing')
    const same = (fn) => { try { fn(); return false } catch (e) { return e instanceof vecs.ArgError } }
    console.log(JSON.stringify({
      store: require.resolve('vecs/langchain'),
      langchain: same(() => new VecsVectorStore(new SyntheticEmbeddings(), {})),
      ai: same(() => new AiSdkEmbedding({})),
    }))
  `
  const { stdout } = await run(process.execPath, ['-e', script])
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
  assert.match(result.store, /dist\/cjs\/integrations\/langchain\.js$/)
  assert.deepEqual({ langchain: result.langchain, ai: result.ai }, { langchain: true, ai: true })
})

test('Jest requires vecs: the embedded database and a server', async () => {
  const server = await servePGlite()
  try {
    const jest = await run(
      process.execPath,
      [
        'node_modules/jest/bin/jest.js',
        '--rootDir',
        'test/jest',
        '--testMatch',
        '**/*.test.cjs',
        '--ci',
      ],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '--experimental-vm-modules --no-warnings',
          VECS_JEST_DATABASE_URL: server.url ?? '',
        },
      },
    ).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }))
    assert.match(jest.stderr, /Tests: +2 passed, 2 total/, jest.stderr)
  } finally {
    await server.close()
  }
})

test('the embedding model’s worker thread starts from the CommonJS build', async () => {
  const script = `
    const { createClient, Adapter, TextEmbedding } = require('vecs')
    ;(async () => {
      const vx = await createClient()
      const adapter = new Adapter([new TextEmbedding()])
      const docs = await vx.getOrCreateCollection('docs', { dimension: 512, adapter })
      await docs.upsert([['cat', 'the cat sat on the mat'], ['markets', 'stock markets fell sharply']])
      const ids = await docs.query({ data: 'a kitten sleeping on a rug', limit: 1 })
      await vx.disconnect()
      console.log(JSON.stringify(ids))
    })()
  `
  const { stdout } = await run(process.execPath, ['-e', script])
  assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop() ?? '[]'), ['cat'])
})
