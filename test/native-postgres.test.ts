import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { nativePostgresBinDir, startNativePostgres } from './support/native-postgres.js'
import type { NativePostgres } from './support/native-postgres.js'

const skip =
  nativePostgresBinDir() === null ? 'no PostgreSQL 15 in /usr/lib/postgresql/15/bin' : false

describe('native PostgreSQL harness', { skip }, () => {
  let server: NativePostgres

  before(async () => {
    server = await startNativePostgres()
  })

  after(async () => {
    await server.stop()
  })

  test('runs PostgreSQL 15', async () => {
    const row = await queryOne<{ version: string }>(server.url, 'select version()')
    assert.match(row.version, /PostgreSQL 15/)
  })

  test('has no vector extension available', async () => {
    const text = `select count(*)::int as count from pg_available_extensions where name = 'vector'`
    const row = await queryOne<{ count: number }>(server.url, text)
    assert.equal(row.count, 0)
  })

  test('stop() shuts the server down and can be called twice', async () => {
    const other = await startNativePostgres()
    await queryOne(other.url, 'select 1')
    await other.stop()
    await other.stop()
    await assert.rejects(queryOne(other.url, 'select 1'), { code: 'ECONNREFUSED' })
  })
})

async function queryOne<Row>(url: string, text: string): Promise<Row> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query(text)
    return result.rows[0] as Row
  } finally {
    await client.end()
  }
}
