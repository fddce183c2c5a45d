/**
 * The backends a scale benchmark runs on: the server of VECS_BENCH_DATABASE_URL, in a schema of the
 * benchmark's own, and PGlite where asked (`--pglite`); at least one, else it says what to set.
 */
import { createClient, type Client } from '../src/index.js'

export async function onEachBackend(
  schema: string,
  withPGlite: boolean,
  measure: (backend: string, vx: Client) => Promise<void>,
): Promise<void> {
  const targets: [string, () => Promise<Client>][] = []
  const url = process.env.VECS_BENCH_DATABASE_URL
  if (url) targets.push(['postgres', () => createClient(url, { schema })])
  if (withPGlite) targets.push(['pglite', () => createClient()])
  if (targets.length === 0) {
    console.error('set VECS_BENCH_DATABASE_URL to a server with pgvector, or pass --pglite')
    process.exit(1)
  }
  for (const [backend, open] of targets) {
    const vx = await open()
    try {
      await measure(backend, vx)
    } finally {
      await vx.disconnect()
    }
  }
}
