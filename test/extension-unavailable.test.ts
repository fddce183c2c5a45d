/**
 * Connecting where pgvector is missing (or too old) fails with ExtensionUnavailable, says what to
 * install, and leaves nothing behind: no schema, no open connection.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import pg from 'pg'
import { createClient, ExtensionUnavailable, VecsError, type PgPoolLike } from '../src/index.js'
import { nativePostgresSkipReason, startNativePostgres } from './support/native-postgres.js'
import type { NativePostgres } from './support/native-postgres.js'

const T = { timeout: 60_000 }
const skip = nativePostgresSkipReason() ?? false

describe('a PostgreSQL server without pgvector', { skip }, () => {
  let server: NativePostgres

  before(async () => {
    server = await startNativePostgres()
  }, T)

  after(async () => {
    await server?.stop()
  }, T)

  test(
    'createClient(url) is ExtensionUnavailable, saying pgvector is missing and what to install',
    T,
    async () => {
      await assert.rejects(createClient(server.url), (error: unknown) => {
        assert.ok(error instanceof ExtensionUnavailable, String(error))
        assert.ok(error instanceof VecsError)
        assert.equal(error.code, 'VECS_EXTENSION_UNAVAILABLE')
        assert.equal(error.name, 'ExtensionUnavailable')
        assert.match(error.message, /pgvector is not installed/)
        assert.match(error.message, /install pgvector 0\.5\.0 or newer/)
        assert.match(error.message, /postgresql-<version>-pgvector/)
        return true
      })
    },
  )

  test('the failed connect creates no schema and leaves no connection open', T, async () => {
    await assert.rejects(createClient(server.url, { schema: 'vecs_never' }), ExtensionUnavailable)
    await assert.rejects(createClient(server.url), ExtensionUnavailable)
    const raw = new pg.Client({ connectionString: server.url })
    await raw.connect()
    try {
      const schemas = await raw.query(
        `SELECT nspname FROM pg_namespace WHERE nspname IN ('vecs', 'vecs_never')`,
      )
      assert.deepEqual(schemas.rows, [])
      assert.deepEqual(await otherSessions(raw), [])
    } finally {
      await raw.end()
    }
  })
})

describe('a PGlite without the vector extension', () => {
  test(
    'createClient({ pglite }) is ExtensionUnavailable naming @electric-sql/pglite-pgvector',
    T,
    async () => {
      const { PGlite } = await import('@electric-sql/pglite')
      const pglite = await PGlite.create()
      try {
        await assert.rejects(createClient({ pglite }), (error: unknown) => {
          assert.ok(error instanceof ExtensionUnavailable, String(error))
          assert.equal(error.code, 'VECS_EXTENSION_UNAVAILABLE')
          assert.match(error.message, /@electric-sql\/pglite-pgvector/)
          return true
        })
        // The user's instance stays theirs: open, and without a vecs schema.
        assert.equal(pglite.closed, false)
        const schemas = await pglite.query(
          `SELECT nspname FROM pg_namespace WHERE nspname = 'vecs'`,
        )
        assert.deepEqual(schemas.rows, [])
      } finally {
        await pglite.close()
      }
    },
  )
})

describe('a server whose pgvector is too old or cannot be enabled', () => {
  test(
    'pgvector 0.4.4 is ExtensionUnavailable asking for 0.5.0 and ALTER EXTENSION',
    T,
    async () => {
      const pool = fakePool({ installed: '0.4.4' })
      await assert.rejects(createClient({ pool }), (error: unknown) => {
        assert.ok(error instanceof ExtensionUnavailable, String(error))
        assert.match(error.message, /pgvector 0\.4\.4 is older than 0\.5\.0/)
        assert.match(error.message, /ALTER EXTENSION vector UPDATE/)
        return true
      })
      assert.equal(
        pool.sql.some((text) => /CREATE SCHEMA/i.test(text)),
        false,
      )
    },
  )

  test('pgvector 0.10.0 is newer than 0.5.0, not older', T, async () => {
    const vx = await createClient({ pool: fakePool({ installed: '0.10.0' }) })
    assert.equal(vx.vectorVersion, '0.10.0')
    await vx.disconnect()
  })

  test(
    'an available pgvector the role may not create is ExtensionUnavailable with the driver error as cause',
    T,
    async () => {
      const denied = Object.assign(new Error('permission denied to create extension "vector"'), {
        code: '42501',
      })
      const pool = fakePool({ available: '0.8.0', createExtension: denied })
      await assert.rejects(createClient({ pool }), (error: unknown) => {
        assert.ok(error instanceof ExtensionUnavailable, String(error))
        assert.equal(error.cause, denied)
        assert.match(error.message, /CREATE EXTENSION vector/)
        return true
      })
    },
  )
})

/** Sessions on this server other than `raw`'s own, after a moment for closed ones to go. */
async function otherSessions(raw: pg.Client): Promise<unknown[]> {
  const text = `SELECT pid, application_name, state FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()`
  for (let attempt = 0; ; attempt++) {
    const { rows } = await raw.query(text)
    if (rows.length === 0 || attempt === 20) return rows
    await delay(100)
  }
}

interface FakeServer {
  /** pgvector's version in pg_extension, when installed. */
  installed?: string
  /** pgvector's default_version in pg_available_extensions, when available. */
  available?: string
  /** What CREATE EXTENSION throws. */
  createExtension?: Error
}

/**
 * A pool that answers vecs' connect-time catalog queries as the described server would, and
 * records the SQL it was sent. Only the connect path is faked; no collection work happens on it.
 */
function fakePool(server: FakeServer): PgPoolLike & { sql: string[] } {
  const sql: string[] = []
  const answer = async (text: string) => {
    sql.push(text)
    if (/FROM pg_extension/i.test(text)) return rowsOf(server.installed)
    if (/FROM pg_available_extensions/i.test(text)) return rowsOf(server.available)
    if (/CREATE EXTENSION/i.test(text) && server.createExtension) throw server.createExtension
    if (/FROM pg_namespace/i.test(text)) return { rows: [{ name: 'vecs' }] }
    return { rows: [] }
  }
  return {
    sql,
    query: answer,
    connect: async () => ({ query: answer, release: () => {} }),
    end: async () => {},
  }
}

function rowsOf(version: string | undefined): { rows: unknown[] } {
  return { rows: version === undefined ? [] : [{ version }] }
}
