/**
 * The tree is the architecture: imports flow down one list of layers, the CLI speaks only the
 * public API, only backend/ loads drivers, and no source file passes 300 lines.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

/** Top to bottom: a module may import from its own unit or from any unit below it. */
const LAYERS: readonly (readonly string[])[] = [
  ['cli/', 'integrations/'],
  ['index.ts'],
  ['connect.ts'],
  ['client.ts'],
  ['collection.ts'],
  ['collection-records.ts'],
  ['stats.ts', 'distribution.ts'],
  ['upsert/', 'query/', 'tuning/', 'delete/'],
  ['vector-index/', 'adapter/', 'text-search/'],
  ['records/'],
  ['filter/'],
  ['sql/'],
  ['backend/'],
  ['vector.ts'],
  ['checks.ts', 'measures.ts', 'json.ts', 'batches.ts', 'warnings.ts'],
  ['utf8.ts', 'base64url.ts', 'sha256.ts', 'random-hex.ts', 'sleep.ts'],
  ['types.ts', 'errors.ts'],
  ['text-types.ts', 'record-types.ts'],
]

const DRIVERS = ['pg', 'pg-copy-streams', '@electric-sql/pglite', '@electric-sql/pglite-pgvector']

interface Module {
  readonly path: string
  readonly lines: number
  readonly imports: readonly string[]
}

test('every source file belongs to one layer', () => {
  for (const m of modules()) assert.notEqual(layerOf(m.path), -1, `${m.path} is in no layer`)
})

test('imports go down the layers, or stay in their own folder', () => {
  const upward: string[] = []
  for (const m of modules()) {
    for (const target of m.imports.filter((i) => i.startsWith('.'))) {
      const to = posix.normalize(posix.join(posix.dirname(m.path), target)).replace(/\.js$/, '.ts')
      const sameUnit = unitOf(to) === unitOf(m.path)
      if (!sameUnit && layerOf(to) <= layerOf(m.path)) upward.push(`${m.path} → ${to}`)
    }
  }
  assert.deepEqual(upward, [])
})

test('the CLI uses only the public API', () => {
  const reaching = modules()
    .filter((m) => m.path.startsWith('cli/'))
    .flatMap((m) =>
      m.imports
        .filter((i) => i.startsWith('.'))
        .map((i) => posix.normalize(posix.join(posix.dirname(m.path), i)))
        .filter((to) => !to.startsWith('cli/') && to !== 'index.js')
        .map((to) => `${m.path} → ${to}`),
    )
  assert.deepEqual(reaching, [])
})

test('only backend/ imports a database driver', () => {
  const outside = modules()
    .filter((m) => !m.path.startsWith('backend/'))
    .flatMap((m) => m.imports.filter((i) => DRIVERS.some((d) => i === d || i.startsWith(`${d}/`))))
  assert.deepEqual(outside, [])
})

test('no source file is longer than 300 lines', () => {
  const long = modules()
    .filter((m) => m.lines > 300)
    .map((m) => `${m.path}: ${m.lines}`)
  assert.deepEqual(long, [])
})

test('no two source files share a name', () => {
  const byName = new Map<string, string[]>()
  for (const m of modules()) {
    const name = posix.basename(m.path)
    byName.set(name, [...(byName.get(name) ?? []), m.path])
  }
  const shared = [...byName.values()].filter((paths) => paths.length > 1)
  assert.deepEqual(shared, [])
})

/** Node-only modules the browser build replaces with a twin, and the Node-only modules they reach. */
const NODE_ONLY = [
  'backend/platform.ts',
  'backend/pg.ts',
  'backend/pglite-directory.ts',
  'backend/lock.ts',
  'adapter/embedding-thread.ts',
  'adapter/embedding-worker.js',
]

test("Node's own modules are imported only by the CLI and the modules the browser build leaves out", () => {
  const importing = modules()
    .filter((m) => !m.path.startsWith('cli/') && !NODE_ONLY.includes(m.path))
    .filter((m) =>
      m.imports.some((i) => i.startsWith('node:') || i === 'pg' || i === 'pg-copy-streams'),
    )
    .map((m) => m.path)
  assert.deepEqual(importing, [])
})

test('a browser twin exports what the module it stands for exports', () => {
  const exported = (path: string) =>
    [
      ...readFileSync(join(SRC, path), 'utf8').matchAll(
        /^export (?:async )?(?:function|const|class) (\w+)/gm,
      ),
    ]
      .map((match) => match[1])
      .sort()
  const twins = modules().filter((m) => m.path.endsWith('.browser.ts'))
  assert.ok(twins.length >= 2)
  for (const twin of twins) {
    const node = twin.path.replace(/\.browser\.ts$/, '.ts')
    assert.ok(NODE_ONLY.includes(node), `${node} is left out of the browser build`)
    assert.deepEqual(
      exported(twin.path),
      exported(node).filter((name) => name !== 'EmbeddingThread'),
      twin.path,
    )
  }
})

function modules(): Module[] {
  return walk(SRC)
    .filter((file) => /\.(ts|js)$/.test(file))
    .map((file) => {
      const text = readFileSync(file, 'utf8')
      const path = relative(SRC, file).split('\\').join('/')
      const imports = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)]
        .concat([...text.matchAll(/import\('([^']+)'\)/g)])
        .map((match) => match[1] as string)
      return { path, lines: text.split('\n').length - 1, imports }
    })
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

/** The folder of a path (`query/`), or the file itself at the root (`client.ts`). */
function unitOf(path: string): string {
  const slash = path.indexOf('/')
  return slash === -1 ? path : path.slice(0, slash + 1)
}

function layerOf(path: string): number {
  return LAYERS.findIndex((layer) => layer.includes(unitOf(path)))
}
