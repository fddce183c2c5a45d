/**
 * The browser build: it imports nothing of Node, and the browser example (examples/browser/) runs
 * in headless Chromium against it, PGlite and pgvector in the page, in memory and in IndexedDB.
 * Chromium is found on PATH or at VECS_TEST_CHROMIUM; without one the Chromium test skips, saying
 * so, except in CI, where .ci/run installs it and a missing one fails.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { servePage, type PageReport } from './support/browser-page.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** What the browser build may import: its own chunks, and packages the app's bundler resolves. */
const BROWSER_IMPORTS = new Set([
  '@electric-sql/pglite',
  '@electric-sql/pglite-pgvector',
  'ai',
  '@langchain/core/documents',
  '@langchain/core/utils/math',
  '@langchain/core/vectorstores',
])

test('the browser build imports nothing of Node, and package.json points browsers at it', async () => {
  const dir = `${ROOT}/dist/browser`
  const files = (await readdir(dir)).filter((f) => f.endsWith('.js'))
  assert.ok(files.includes('index.js'), 'npm run build makes dist/browser/index.js')
  const imported = new Set<string>()
  for (const file of files) {
    const text = await readFile(`${dir}/${file}`, 'utf8')
    // esbuild writes each import statement at the start of a line, and import("…") for the lazy.
    const statements =
      /^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\("([^"]+)"\)/gm
    for (const match of text.matchAll(statements)) {
      const name = match[1] ?? match[2] ?? match[3]!
      if (!name.startsWith('./')) imported.add(name)
    }
    // Node's globals: a browser has none of them (warnings.ts looks for process before using it).
    assert.doesNotMatch(text, /\bBuffer\b[.(]|\brequire\(|(?<!globalThis\.)\bprocess\./, file)
  }
  assert.deepEqual(
    [...imported].filter((name) => !BROWSER_IMPORTS.has(name)),
    [],
  )
  assert.ok(imported.has('@electric-sql/pglite'))
  const manifest = JSON.parse(await readFile(`${ROOT}/package.json`, 'utf8'))
  for (const [entry, file] of [
    ['.', 'index.js'],
    ['./langchain', 'langchain.js'],
    ['./ai', 'ai.js'],
  ]) {
    assert.equal(manifest.exports[entry!].browser.default, `./dist/browser/${file}`)
    assert.ok(files.includes(file!), `dist/browser/${file}`)
  }
})

test('vecs runs in headless Chromium: the browser example, IndexedDB, and what needs Node', async (t) => {
  const chromium = findChromium()
  if (chromium === null) {
    if (process.env.CI === 'true')
      assert.fail('no Chromium: .ci/run installs it (apt-get install chromium)')
    t.skip(
      'no Chromium on this machine (apt-get install chromium, or set VECS_TEST_CHROMIUM): skipped',
    )
    return
  }
  // The example bundled as an app's bundler would: 'vecs' resolved through package.json's browser
  // condition; PGlite left to the page's import map, as its WASM files sit next to its modules.
  const bundleDir = await mkdtemp(join(tmpdir(), 'vecs-bundle-'))
  t.after(() => rm(bundleDir, { recursive: true, force: true }))
  await mkdir(join(bundleDir, 'node_modules'))
  await symlink(ROOT, join(bundleDir, 'node_modules', 'vecs'), 'dir')
  const { metafile } = await build({
    entryPoints: [join(ROOT, 'examples/browser/app.js')],
    absWorkingDir: bundleDir,
    nodePaths: [join(bundleDir, 'node_modules')],
    outfile: join(bundleDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    external: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'],
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.keys(metafile.inputs)
  assert.ok(
    inputs.some((input) => input.includes('dist/browser/')),
    inputs.join(', '),
  )
  assert.deepEqual(
    inputs.filter((input) => /node_modules\/pg\/|^node:|dist\/(cjs\/)?backend\/pg\.js/.test(input)),
    [],
  )
  const page = await servePage(ROOT, bundleDir)
  const browser = spawn(
    chromium,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      `--user-data-dir=${page.profileDir}`,
      page.url,
    ],
    { detached: true, stdio: 'ignore' },
  )
  let report: PageReport
  try {
    report = await page.report(180_000)
  } finally {
    try {
      process.kill(-browser.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
    await page.close()
  }
  assert.equal(report.error, undefined, `the page failed: ${report.error}`)
  const demo = report.demo!
  // The probe is one of the records: it is its own nearest neighbour, at similarity 1.
  assert.equal(demo.nearest[0]!.id, demo.probe)
  assert.ok(Math.abs(demo.nearest[0]!.similarity - 1) < 1e-6)
  assert.equal(demo.nearest.length, 5)
  const colour = demo.nearest[0]!.metadata.colour
  assert.ok(
    demo.nearest.every((r) => r.metadata.colour === colour),
    'the filter held',
  )
  assert.equal(demo.redCount, 667) // i % 3 === 0 for i in 0..1999
  assert.equal(demo.keptCount, 100)
  assert.equal(demo.keptFirst, 'v7')
  assert.equal(demo.indexMethod, 'hnsw')
  // What needs Node is a typed error naming what to use instead, never a bundler's missing module.
  const [serverName, serverCode, serverMessage] = report.errors!.server!
  assert.deepEqual([serverName, serverCode], ['ArgError', 'VECS_ARG'])
  assert.match(serverMessage, /needs Node\.js.*idb:\/\//)
  assert.deepEqual(report.errors!.directory!.slice(0, 2), ['ArgError', 'VECS_ARG'])
  assert.deepEqual(report.errors!.textEmbedding!.slice(0, 2), ['VecsError', 'VECS_ERROR'])
  assert.match(report.errors!.textEmbedding![2], /AiSdkEmbedding/)
})

function findChromium(): string | null {
  const given = process.env.VECS_TEST_CHROMIUM
  if (given) return given
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    if (spawnSync('which', [name]).status === 0) return name
  }
  return null
}
