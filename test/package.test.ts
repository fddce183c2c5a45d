/**
 * What `npm pack` publishes: the build (ES modules, CommonJS, declarations) and nothing stale, the
 * LICENSE and README, no source maps pointing at sources left out, nothing of the tests or benchmarks.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)

test('the package holds the build, the LICENSE and the README, and nothing stale or private', async () => {
  // --ignore-scripts: packing must not rebuild dist/ under the tests that run the CLI from it.
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'])
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[]; size: number }]
  const files = pack.files.map((f) => f.path)
  for (const needed of [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/cjs/index.js',
    'dist/cjs/index.d.ts',
    'dist/cjs/package.json',
    'dist/cli/main.js',
    'dist/integrations/langchain.js',
    'dist/cjs/integrations/langchain.d.ts',
    'dist/integrations/ai-sdk.js',
    'dist/cjs/integrations/ai-sdk.d.ts',
  ])
    assert.ok(files.includes(needed), `${needed} is packed`)
  assert.deepEqual(
    files.filter((f) => f.endsWith('.map')),
    [],
    'no source maps (the sources are not published)',
  )
  assert.deepEqual(
    files.filter((f) => /^(src|test|bench|scripts|scratch|examples|docs|data)\//.test(f)),
    [],
  )
  // The demo's word vectors are a package of their own: vecs itself stays small.
  assert.ok(pack.size < 1_000_000, `the tarball is ${pack.size} bytes`)
  // Every module built comes from a source that still exists: an earlier build leaves nothing.
  // (dist/browser holds bundles, named by entry and chunk: the browser test reads them.)
  const stale = files
    .filter((f) => f.startsWith('dist/') && !f.startsWith('dist/browser/') && f.endsWith('.js'))
    .map((f) => f.replace(/^dist\/(cjs\/)?/, 'src/'))
    .filter((source) => !existsSync(source) && !existsSync(source.replace(/\.js$/, '.ts')))
  assert.deepEqual(stale, [])
})

test('the demo data is its own package, with the vectors and words the demo reads', async () => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--workspace', 'data'])
  const [pack] = JSON.parse(stdout) as [{ name: string; files: { path: string }[]; size: number }]
  assert.equal(pack.name, 'vecs-demo-data')
  assert.deepEqual(pack.files.map((f) => f.path).sort(), [
    'README.md',
    'glove-100d-25k.f32',
    'glove-100d-25k.words.txt',
    'package.json',
  ])
})
