/**
 * A role without CREATE on the database works when the schema and extension already exist, over
 * the wire protocol (PGlite served on 127.0.0.1, which enforces roles and grants like a server).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import {
  createClient,
  ExtensionUnavailable,
  VecsError,
  type Client,
  type PgPoolLike,
} from '../src/index.js'
import { servePGlite } from './backends.js'

const T = { timeout: 60_000 }

describe('a role without CREATE on the database', () => {
  let server: Served
  let pool: pg.Pool
  let app: PgPoolLike

  before(async () => {
    server = await serve()
    await asSuperuser(server.url, [
      'CREATE EXTENSION IF NOT EXISTS vector',
      'CREATE SCHEMA vecs_priv',
      'CREATE ROLE app NOLOGIN',
      'REVOKE CREATE ON DATABASE postgres FROM PUBLIC',
      'REVOKE CREATE ON DATABASE postgres FROM app',
      'GRANT USAGE, CREATE ON SCHEMA vecs_priv TO app',
    ])
    pool = new pg.Pool({ connectionString: server.url, max: 1 })
    app = poolAsRole(pool, 'app')
  }, T)

  after(async () => {
    await pool?.end()
    await server?.close()
  }, T)

  test('the pool runs as the role, which cannot create a schema', T, async () => {
    const { rows } = await app.query('SELECT current_user AS role')
    assert.deepEqual(rows, [{ role: 'app' }])
    await assert.rejects(app.query('CREATE SCHEMA not_allowed'), { code: '42501' })
  })

  test(
    'createClient with the existing schema succeeds; collections upsert and query',
    T,
    async () => {
      const vx: Client = await createClient({ pool: app }, { schema: 'vecs_priv' })
      try {
        const docs = await vx.getOrCreateCollection('docs', { dimension: 3 })
        await docs.upsert([
          ['a', [1, 0, 0], { kind: 'x' }],
          ['b', [0, 1, 0], { kind: 'y' }],
        ])
        assert.deepEqual(await docs.query({ data: [1, 0.1, 0], limit: 1 }), ['a'])
        assert.deepEqual(await docs.query({ data: [1, 0.1, 0], filters: { kind: { $eq: 'y' } } }), [
          'b',
        ])
        assert.deepEqual(
          (await vx.listCollections()).map((c) => c.name),
          ['docs'],
        )
      } finally {
        await vx.disconnect()
      }
      const { rows } = await pool.query(
        `SELECT tableowner FROM pg_tables WHERE schemaname = 'vecs_priv' AND tablename = 'docs'`,
      )
      assert.deepEqual(rows, [{ tableowner: 'app' }])
    },
  )

  test(
    'createClient with a schema that does not exist fails with permission denied, creating nothing',
    T,
    async () => {
      await assert.rejects(
        createClient({ pool: app }, { schema: 'vecs_missing' }),
        (error: unknown) => {
          // vecs names the schema and what to do; the driver's 42501 insufficient_privilege is the cause.
          assert.ok(error instanceof VecsError, String(error))
          assert.match(
            error.message,
            /schema "vecs_missing" does not exist and this role may not create it/,
          )
          const cause = error.cause as pg.DatabaseError
          assert.ok(cause instanceof pg.DatabaseError)
          assert.equal(cause.code, '42501')
          return true
        },
      )
      const { rows } = await pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'vecs_missing'`)
      assert.deepEqual(rows, [])
    },
  )
})

describe('a role that may not create the vector extension', () => {
  let server: Served
  let pool: pg.Pool

  before(async () => {
    server = await serve()
    await asSuperuser(server.url, [
      'CREATE SCHEMA vecs_priv',
      'CREATE ROLE app NOLOGIN',
      'GRANT USAGE, CREATE ON SCHEMA vecs_priv TO app',
    ])
    pool = new pg.Pool({ connectionString: server.url, max: 1 })
  }, T)

  after(async () => {
    await pool?.end()
    await server?.close()
  }, T)

  test(
    'createClient is ExtensionUnavailable asking an owner to run CREATE EXTENSION vector',
    T,
    async () => {
      const app = poolAsRole(pool, 'app')
      await assert.rejects(
        createClient({ pool: app }, { schema: 'vecs_priv' }),
        (error: unknown) => {
          assert.ok(error instanceof ExtensionUnavailable, String(error))
          assert.match(error.message, /CREATE EXTENSION vector/)
          assert.equal((error.cause as { code?: string } | undefined)?.code, '42501')
          return true
        },
      )
    },
  )
})

interface Served {
  url: string
  close(): Promise<void>
}

async function serve(): Promise<Served> {
  const target = await servePGlite()
  if (target.url === null) throw new Error('servePGlite() gave no URL')
  return { url: target.url, close: () => target.close() }
}

async function asSuperuser(url: string, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const text of statements) await client.query(text)
  } finally {
    await client.end()
  }
}

/**
 * The pool seen through a wrapper that runs `SET ROLE` on each new connection before anything
 * else. (A `pool.on('connect')` listener works too, but pg does not await it: its SET ROLE only
 * goes first because pg queues queries in order, and pg warns about that queueing.)
 */
function poolAsRole(pool: pg.Pool, role: string): PgPoolLike {
  const ready = new WeakMap<pg.PoolClient, Promise<unknown>>()
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect()
    if (!ready.has(client)) ready.set(client, client.query(`SET ROLE ${role}`))
    try {
      await ready.get(client)
    } catch (error) {
      client.release(true)
      throw error
    }
    return client
  }
  return {
    connect,
    async query(text, values) {
      const client = await connect()
      try {
        return await client.query(text, values)
      } finally {
        client.release()
      }
    },
    end: () => pool.end(),
  }
}
