/**
 * A server that will not open a session (no password where it asks for one, a wrong one, a
 * database it does not know) gives one ConnectionRejected with the driver's error as its cause, and
 * leaves nothing open: the vecs command exits at once (it hung a minute after node-postgres' SASL
 * error, until the server timed the login out). Needs Debian's PostgreSQL binaries (CI installs them).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { ConnectionRejected, createClient, VecsError } from '../src/index.js'
import { EXIT_CODES } from '../src/cli/exit-codes.js'
import { vecs } from './support/cli.js'
import { nativePostgresSkipReason, startNativePostgres } from './support/native-postgres.js'
import type { NativePostgres } from './support/native-postgres.js'

const T = { timeout: 60_000 }
const skip = nativePostgresSkipReason() ?? false

describe('a server that rejects the login', { skip }, () => {
  let server: NativePostgres
  let host: string

  before(async () => {
    server = await startNativePostgres()
    host = new URL(server.url).host
    // A role with a password, and SCRAM for everyone but the superuser the tests start with.
    const admin = new pg.Client(server.url)
    await admin.connect()
    try {
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'secret'`)
      const { rows } = await admin.query('SHOW data_directory')
      const rules = [
        'local all all trust',
        'host all postgres 127.0.0.1/32 trust',
        'host all all 127.0.0.1/32 scram-sha-256',
      ]
      const file = `${(rows[0] as { data_directory: string }).data_directory}/pg_hba.conf`
      // COPY … TO takes no parameters; the file name comes from the server itself.
      await admin.query(
        `COPY (SELECT unnest($$${'{'}${rules.map((r) => `"${r}"`).join(',')}${'}'}$$::text[])) TO '${file}'`,
      )
      await admin.query('SELECT pg_reload_conf()')
    } finally {
      await admin.end()
    }
  }, T)

  after(async () => {
    await server?.stop()
  }, T)

  const cases = [
    ['no password where the server asks for one', 'app', /SASL/],
    ['a wrong password', 'app:wrong', /password authentication failed for user "app"/],
  ] as const
  for (const [name, auth, cause] of cases) {
    test(`${name}: ConnectionRejected, the driver's error as cause`, T, async () => {
      await assert.rejects(createClient(`postgresql://${auth}@${host}/postgres`), (error) => {
        assert.ok(error instanceof ConnectionRejected, String(error))
        assert.ok(error instanceof VecsError)
        assert.equal(error.code, 'VECS_CONNECTION_REJECTED')
        assert.match(error.message, /rejected the connection/)
        assert.match(error.message, /check the user, password and database/)
        assert.match((error.cause as Error).message, cause)
        return true
      })
    })
  }

  test('a database the server does not know: ConnectionRejected', T, async () => {
    await assert.rejects(
      createClient(`postgresql://postgres@${host}/no_such_db`),
      (error) =>
        error instanceof ConnectionRejected && /"no_such_db" does not exist/.test(error.message),
    )
  })

  test('the vecs command prints one line and exits at once, for each', T, async () => {
    for (const auth of ['app', 'app:wrong']) {
      const started = Date.now()
      const run = await vecs(['--db', `postgresql://${auth}@${host}/postgres`, 'list'], {
        timeoutMs: 20_000,
      })
      assert.equal(run.code, EXIT_CODES.VECS_CONNECTION_REJECTED, run.stderr)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.match(run.stderr, /^vecs: the database server rejected the connection/)
      assert.ok(Date.now() - started < 10_000, `exited after ${Date.now() - started} ms`)
    }
  })
})
