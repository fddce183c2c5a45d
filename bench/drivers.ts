/**
 * The two ends every benchmark compares: vecs, and the same database reached raw through the same
 * driver (node-postgres), for the baselines. PGlite always; a server when VECS_BENCH_DATABASE_URL is set.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { createClient, type Client } from '../src/index.js'

export interface RawDriver {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  /** `COPY <target> FROM … (FORMAT binary)` with `data` as the complete binary stream. */
  copyBinary(target: string, data: Uint8Array[]): Promise<void>
}

export interface BenchBackend {
  readonly name: 'pglite' | 'postgres'
  readonly vecs: Client
  readonly raw: RawDriver
  /** A server's raw SQL through a `pg.Pool`, as vecs itself reaches a server; null for PGlite. */
  readonly rawPool: Pick<RawDriver, 'query'> | null
  close(): Promise<void>
}

export const SCHEMA = 'vecs_bench'

export async function openBackends(): Promise<BenchBackend[]> {
  const backends = [await openPGlite()]
  const url = process.env.VECS_BENCH_DATABASE_URL
  if (url) backends.push(await openServer(url))
  return backends
}

async function openPGlite(): Promise<BenchBackend> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { vector } = await import('@electric-sql/pglite-pgvector')
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres')
  const db = await PGlite.create({ extensions: { vector } })
  const vecs = await createClient({ pglite: db }, { schema: SCHEMA, assumeDefaultSettings: true })
  const client = new pg.Client(createPgConfig(db))
  await client.connect()
  return {
    name: 'pglite',
    vecs,
    rawPool: null,
    raw: {
      query: (text, values) => client.query(text, values),
      async copyBinary(target, data) {
        await db._handleBlob(new Blob(data))
        try {
          await client.query(`COPY ${target} FROM '/dev/blob' (FORMAT binary)`)
        } finally {
          await db._cleanupBlob()
        }
      },
    },
    async close() {
      await vecs.disconnect()
      await client.end()
      await db.close()
    },
  }
}

async function openServer(url: string): Promise<BenchBackend> {
  const vecs = await createClient(url, { schema: SCHEMA })
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
  await client.query(`CREATE SCHEMA ${SCHEMA}`)
  return {
    name: 'postgres',
    vecs,
    rawPool: { query: (text, values) => pool.query(text, values) },
    raw: {
      query: (text, values) => client.query(text, values),
      async copyBinary(target, data) {
        await pipeline(
          Readable.from(data),
          client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`)),
        )
      },
    },
    async close() {
      await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
      await vecs.disconnect()
      await client.end()
      await pool.end()
    },
  }
}
