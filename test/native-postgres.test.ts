import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { nativePostgresSkipReason, startNativePostgres } from './support/native-postgres.js'
import type { NativePostgres } from './support/native-postgres.js'

const skip = nativePostgresSkipReason() ?? false

describe('native PostgreSQL harness', { skip }, () => {
  let server: NativePostgres

  before(async () => {
    server = await startNativePostgres()
  })

  after(async () => {
    await server.stop()
  })

  test('runs the PostgreSQL of VECS_TEST_PG_BIN (PostgreSQL 15 by default)', async () => {
    const row = await queryOne<{ version: string }>(server.url, 'select version()')
    assert.match(row.version, new RegExp(`^PostgreSQL ${server.major}\\D`))
  })

  test('has no vector extension available, even where pgvector is installed', async () => {
    const text = `select count(*)::int as count from pg_available_extensions where name = 'vector'`
    const row = await queryOne<{ count: number }>(server.url, text)
    assert.equal(row.count, 0)
  })

  test("keeps the installation's other extensions and modules", async () => {
    const text = `select count(*)::int as count from pg_available_extensions where name = 'plpgsql'`
    const row = await queryOne<{ count: number }>(server.url, text)
    assert.equal(row.count, 1)
    // A new session loads plpgsql.so from the lib dir to run this.
    await queryOne(server.url, `do $$ begin perform 1; end $$`)
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
