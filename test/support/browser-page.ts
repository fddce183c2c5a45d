import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'

/** What the page in the browser posts back. */
export interface PageReport {
  error?: string
  demo?: {
    probe: string
    indexMethod: string
    nearest: { id: string; similarity: number; metadata: { colour: string } }[]
    redCount: number
    keptCount: number
    keptFirst: string | null
    ms: number
  }
  errors?: Record<'server' | 'directory' | 'textEmbedding', [string, string, string]>
}

/** The files the page may load: the browser build, the example, PGlite and pgvector (and /bundle/). */
const SERVED = [
  '/dist/browser/',
  '/examples/browser/',
  '/node_modules/@electric-sql/pglite/',
  '/node_modules/@electric-sql/pglite-pgvector/',
]

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
}

/**
 * The page under test, on a loopback HTTP server: the browser example's `demo()` and calls that
 * need Node, run in the page with the import map a user's page would have; the page posts what
 * they returned (or threw) to /report.
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8">
<script type="importmap">{"imports": {
  "vecs": "/dist/browser/index.js",
  "@electric-sql/pglite": "/node_modules/@electric-sql/pglite/dist/index.js",
  "@electric-sql/pglite-pgvector": "/node_modules/@electric-sql/pglite-pgvector/dist/index.js"
}}</script></head><body><script type="module">
const post = (report) => fetch('/report', { method: 'POST', body: JSON.stringify(report) })
const describe = (error) => [error.name, error.code, error.message]
addEventListener('error', (event) => post({ error: String(event.message) }))
addEventListener('unhandledrejection', (event) => post({ error: String(event.reason) }))
try {
  const { createClient, Adapter, TextEmbedding } = await import('vecs')
  const { demo } = await import('/bundle/app.js')
  const result = await demo()
  const errors = {}
  await createClient('postgresql://localhost/db').catch((e) => (errors.server = describe(e)))
  await createClient('/data/vecs').catch((e) => (errors.directory = describe(e)))
  const vx = await createClient()
  const texts = await vx.getOrCreateCollection('texts', {
    adapter: new Adapter([new TextEmbedding()]),
  })
  await texts.upsert([['a', 'hello']]).catch((e) => (errors.textEmbedding = describe(e)))
  await vx.disconnect()
  await post({ demo: result, errors })
} catch (error) {
  await post({ error: error.stack ?? String(error) })
}
</script></body></html>`

/**
 * Serves the page; `/bundle/` is `bundleDir`, where the test put the example as a user's bundler
 * (esbuild) made it from \`import … from 'vecs'\`.
 */
export async function servePage(
  root: string,
  bundleDir: string,
): Promise<{
  url: string
  profileDir: string
  report(timeoutMs: number): Promise<PageReport>
  close(): Promise<void>
}> {
  let deliver: (report: PageReport) => void = () => {}
  const reported = new Promise<PageReport>((resolve) => (deliver = resolve))
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    if (req.method === 'POST' && path === '/report') {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      req.on('end', () => {
        res.end()
        deliver(JSON.parse(body) as PageReport)
      })
      return
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
      return
    }
    const bundled = path.startsWith('/bundle/')
    if (!bundled && !SERVED.some((prefix) => path.startsWith(prefix))) {
      res.writeHead(404).end()
      return
    }
    const file = bundled ? join(bundleDir, path.slice('/bundle/'.length)) : join(root, path)
    readFile(file).then(
      (data) => {
        const type = TYPES[extname(path)] ?? 'application/octet-stream'
        res.writeHead(200, { 'content-type': type }).end(data)
      },
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const profileDir = await mkdtemp(join(tmpdir(), 'vecs-chromium-'))
  return {
    url: `http://127.0.0.1:${port}/`,
    profileDir,
    report: (timeoutMs) =>
      Promise.race([
        reported,
        new Promise<PageReport>((_, reject) =>
          setTimeout(
            () => reject(new Error(`the page reported nothing in ${timeoutMs / 1000} s`)),
            timeoutMs,
          ).unref(),
        ),
      ]),
    async close() {
      await new Promise((resolve) => server.close(resolve))
      await rm(profileDir, { recursive: true, force: true })
    },
  }
}
