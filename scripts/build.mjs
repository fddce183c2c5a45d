// npm run build: dist/ from nothing (no file of an earlier build left to publish), the ES modules
// and declarations by tsc, then dist/cjs: the library (not the CLI) as CommonJS, for require('vecs')
// and test runners that load CommonJS only (Jest on Node 20).
import { execFileSync } from 'node:child_process'
import { access, copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { build } from 'esbuild'

await rm('dist', { recursive: true, force: true })
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
  stdio: 'inherit',
})

const sources = (await readdir('src', { recursive: true }))
  .filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('cli/') && !/\.(d|browser)\.ts$/.test(f))
  .map((f) => join('src', f))

await build({
  entryPoints: sources,
  outdir: 'dist/cjs',
  outbase: 'src',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Dynamic imports become require(): Jest runs CommonJS without import() unless flagged.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__vecsModuleUrl' },
  banner: {
    js: '"use strict";\nconst __vecsModuleUrl = require("node:url").pathToFileURL(__filename).href;',
  },
  logLevel: 'warning',
})
await writeFile('dist/cjs/package.json', '{ "type": "commonjs" }\n')

// The same declarations, read as CommonJS types by a project that requires vecs.
for (const file of await readdir('dist', { recursive: true })) {
  if (!file.endsWith('.d.ts') || file.startsWith('cjs/') || file.startsWith('cli/')) continue
  const to = join('dist/cjs', relative('.', file))
  await mkdir(dirname(to), { recursive: true })
  await copyFile(join('dist', file), to)
}

// dist/browser: the library for browsers (the `browser` condition of package.json's exports), as
// ES modules that share chunks. Where a module has a twin `<name>.browser.ts`, the twin is built
// in its place (backend/platform: PGlite only; adapter/embedding-thread: no worker thread). PGlite
// and the integrations' packages stay imports, for the app's bundler to resolve.
const browserTwins = {
  name: 'browser-twins',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, async (args) => {
      const twin = join(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'))
      const exists = await access(twin).then(
        () => true,
        () => false,
      )
      return exists ? { path: twin } : undefined
    })
  },
}
await build({
  entryPoints: {
    index: 'src/index.ts',
    langchain: 'src/integrations/langchain.ts',
    ai: 'src/integrations/ai-sdk.ts',
  },
  outdir: 'dist/browser',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  external: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@langchain/core', 'ai'],
  plugins: [browserTwins],
  logLevel: 'warning',
})
