/**
 * The README's first snippet, as a new user runs it: saved as `quickstart.mjs` (the README says
 * top-level await needs an ES module) in a default `npm init -y` project where `vecs` is installed,
 * run with plain node; the query it shows answers what its comment says.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))

test('the README quickstart runs as shown in a default project', async (t) => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  assert.ok(snippet, 'the README opens with a ts snippet')
  // `await docs.query(…) // → ['vec1']`: print the answer, to compare with the comment.
  const shown = /^(await docs\.query\(.*\)) \/\/ → (.*)$/m.exec(snippet)
  assert.ok(shown, 'the snippet shows a query and its answer')
  const script = snippet.replace(shown[0], `console.log(JSON.stringify(${shown[1]}))`)

  const dir = await mkdtemp(join(tmpdir(), 'vecs-readme-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await run('npm', ['init', '-y'], { cwd: dir })
  await mkdir(join(dir, 'node_modules'))
  await symlink(ROOT, join(dir, 'node_modules', 'vecs'), 'dir')
  await writeFile(join(dir, 'quickstart.mjs'), script)
  const { stdout } = await run(process.execPath, ['quickstart.mjs'], { cwd: dir })
  const expected = JSON.parse((shown[2] ?? '').replaceAll("'", '"'))
  assert.deepEqual(JSON.parse(stdout.trim()), expected)
})
