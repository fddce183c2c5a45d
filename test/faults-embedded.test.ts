/**
 * Faults of the storage under a database: a full file system under an embedded (PGlite) directory,
 * and a damaged table file, embedded and on a server. Each call rejects with the `VecsError` that
 * says what happened, promptly, the process survives, and nothing of a failed call is written.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, open, readdir, rm, statfs, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import pg from 'pg'
import {
  createClient,
  DatabaseDamaged,
  StorageFull,
  VecsError,
  type Client,
  type Collection,
} from '../src/index.js'
import { vecs } from './support/cli.js'
import { randomVectors } from './support/data.js'
import { nativePostgresSkipReason, startNativePostgres } from './support/native-postgres.js'

const DIMENSION = 100
const BATCH = 2_500
/** A hang must fail the test, not stall the suite: no single call here may take this long. */
const CALL_TIMEOUT_MS = 20_000
const MB = 1024 * 1024
/** `vecs` exits with 10 on StorageFull (README's exit-code table). */
const EXIT_STORAGE_FULL = 10

/** Rejects with a clear message when `promise` has not settled within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} neither resolved nor rejected in ${ms} ms`)),
      ms,
    )
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The settled outcome of a call, so a test can assert on a rejection it expects. */
async function outcome(promise: Promise<unknown>): Promise<{ error?: unknown }> {
  try {
    await promise
    return {}
  } catch (error) {
    return { error }
  }
}

/** Uncaught exceptions and unhandled rejections while a test runs: each would end a user's process. */
function watchProcess(): { escaped: unknown[]; stop(): void } {
  const escaped: unknown[] = []
  const onError = (error: unknown) => escaped.push(error)
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  return {
    escaped,
    stop() {
      process.off('uncaughtException', onError)
      process.off('unhandledRejection', onError)
    },
  }
}

const batch = (call: number) =>
  randomVectors(BATCH, DIMENSION, call + 1).map(
    (v, i) => [`c${call}-${i}`, v, { call }] as [string, number[], { call: number }],
  )

const freeBytes = async (dir: string) => {
  const s = await statfs(dir)
  return s.bavail * s.bsize
}

describe('an embedded database on a full file system', () => {
  const rootReason =
    process.getuid?.() === 0 ? null : 'mounting a small tmpfs needs root; this test runs as a user'
  let mount = ''

  beforeEach(async () => {
    mount = await mkdtemp(join(tmpdir(), 'vecs-full-'))
  })

  afterEach(async () => {
    try {
      // Lazily: an instance that hung (the failure under test) may still hold files open.
      execFileSync('umount', ['-l', mount], { stdio: 'ignore' })
    } catch {
      // not mounted: the test skipped
    }
    await rm(mount, { recursive: true, force: true })
  })

  /**
   * With 8 MB left the WAL runs out first: PostgreSQL PANICs creating a WAL segment, which stops
   * PGlite's only backend (the hang: nothing answered after it).
   */
  test(
    'a full disk: StorageFull promptly; the directory reopens with whole calls only and takes writes once space is freed',
    { skip: rootReason ?? false, timeout: 240_000 },
    async (t) => {
      try {
        // 64 MB: a fresh database takes ~39 MB, and freeing the filler must leave room for
        // a 16 MB WAL segment, which PostgreSQL needs to start and to write on.
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mount], {
          stdio: 'pipe',
        })
      } catch (error) {
        t.skip(`cannot mount a tmpfs here: ${(error as Error).message.split('\n')[0]}`)
        return
      }
      const dir = join(mount, 'db')
      const filler = join(mount, 'filler')
      const watch = watchProcess()
      try {
        const vx = await createClient(dir)
        const docs = await vx.getOrCreateCollection('docs', { dimension: DIMENSION })
        await writeFile(filler, Buffer.alloc((await freeBytes(mount)) - 8 * MB, 1))

        let written = 0
        let failure: { call: number; error: unknown; ms: number } | undefined
        for (let call = 0; call < 30 && failure === undefined; call++) {
          const started = Date.now()
          const { error } = await outcome(
            within(CALL_TIMEOUT_MS, `upsert ${call}`, docs.upsert(batch(call))),
          )
          if (error === undefined) written++
          else failure = { call, error, ms: Date.now() - started }
        }
        assert.ok(failure, 'the disk never filled')
        t.diagnostic(
          `${written} calls of ${BATCH} x ${DIMENSION} written; call ${failure.call} failed after ${failure.ms} ms: ${String(failure.error)}`,
        )
        assert.ok(failure.error instanceof StorageFull, `got ${String(failure.error)}`)
        assert.ok(failure.error.cause !== undefined, 'the driver error is the cause')
        assert.ok(failure.ms < 10_000, `rejected after ${failure.ms} ms`)

        const severity = (failure.error.cause as { severity?: string }).severity
        assert.equal(severity, 'PANIC')
        // The stopped database refuses later calls at once, never sending them (they would spin).
        const later = await outcome(within(CALL_TIMEOUT_MS, 'a later count', docs.count()))
        assert.ok(later.error instanceof VecsError, `got ${String(later.error)}`)
        assert.match(later.error.message, /disconnect and open it again/)
        // Closing may fail, but it settles and throws nothing uncaught.
        await outcome(within(CALL_TIMEOUT_MS, 'disconnect', vx.disconnect()))

        // Opening again while the disk is still full fails (PostgreSQL cannot finish recovery):
        // the vecs command says StorageFull with its exit code and its process ends by itself.
        const stillFull = await vecs(['--db', dir, 'list'], { timeoutMs: CALL_TIMEOUT_MS })
        assert.equal(stillFull.code, EXIT_STORAGE_FULL, stillFull.stderr)
        assert.match(stillFull.stderr, /free space/)
        await rm(filler)
        const reopened = await within(
          CALL_TIMEOUT_MS,
          'open after freeing space',
          createClient(dir),
        )
        try {
          const again = await reopened.getCollection('docs')
          await checkWholeCalls(again, written, failure.call)
          await within(CALL_TIMEOUT_MS, 'upsert after freeing space', again.upsert(batch(99)))
          assert.equal(await again.count(), (written + 1) * BATCH)
        } finally {
          await reopened.disconnect()
        }
        assert.deepEqual(watch.escaped, [])
      } finally {
        watch.stop()
      }
    },
  )

  test(
    'no room even for the lock file: StorageFull, and no stale lock left behind',
    { skip: rootReason ?? false, timeout: 60_000 },
    async (t) => {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount], { stdio: 'pipe' })
      } catch (error) {
        t.skip(`cannot mount a tmpfs here: ${(error as Error).message.split('\n')[0]}`)
        return
      }
      const dir = join(mount, 'db')
      const filler = join(mount, 'filler')
      await mkdir(dir)
      await writeFile(filler, Buffer.alloc(await freeBytes(mount), 1))
      const watch = watchProcess()
      try {
        const full = await outcome(within(CALL_TIMEOUT_MS, 'open', createClient(dir)))
        assert.ok(full.error instanceof StorageFull, `got ${String(full.error)}`)
        assert.deepEqual(await readdir(dir), [])
        assert.deepEqual(watch.escaped, [])
      } finally {
        watch.stop()
      }
    },
  )
})

/** Every row of the calls that succeeded, none of the one that failed. */
async function checkWholeCalls(docs: Collection, written: number, failedCall: number) {
  assert.equal(await docs.count(), written * BATCH)
  assert.deepEqual(await docs.fetch([`c${failedCall}-0`, `c${failedCall}-${BATCH - 1}`]), [])
}

/** Overwrites the header of a page in the middle of a table file: PostgreSQL must refuse the page. */
async function corruptMiddlePage(file: string): Promise<void> {
  const handle = await open(file, 'r+')
  try {
    const pages = Math.floor((await handle.stat()).size / 8192)
    assert.ok(pages >= 4, `the table has only ${pages} pages`)
    await handle.write(Buffer.alloc(24, 0xa5), 0, 24, Math.floor(pages / 2) * 8192)
  } finally {
    await handle.close()
  }
}

/** Calls that read the damaged page reject with DatabaseDamaged; the client and process live on. */
async function assertDamaged(vx: Client): Promise<void> {
  const docs = await vx.getCollection('docs')
  const vector = randomVectors(1, DIMENSION, 7)[0] as number[]
  const calls: [string, () => Promise<unknown>][] = [
    ['count', () => docs.count()],
    ['query', () => docs.query({ data: vector, limit: 5, filters: { call: { $gte: 0 } } })],
  ]
  for (const [what, call] of calls) {
    const { error } = await outcome(within(CALL_TIMEOUT_MS, what, call()))
    assert.ok(error instanceof DatabaseDamaged, `${what}: got ${String(error)}`)
    assert.ok(error.cause !== undefined, `${what}: the driver error is the cause`)
  }
  // The damage is in one table: the rest of the database still answers.
  assert.deepEqual(
    (await vx.listCollections()).map((c) => c.name),
    ['docs'],
  )
}

describe('a damaged table file', () => {
  test(
    'embedded: calls reading a corrupted page reject with DatabaseDamaged',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vecs-damaged-'))
      const watch = watchProcess()
      try {
        const vx = await createClient(dir)
        await (await vx.getOrCreateCollection('docs', { dimension: DIMENSION })).upsert(batch(0))
        await vx.disconnect()
        // The table's file, read from a PGlite of our own while vecs has the directory closed.
        const { PGlite } = await import('@electric-sql/pglite')
        const { vector } = await import('@electric-sql/pglite-pgvector')
        const raw = await PGlite.create(dir, { extensions: { vector } })
        const path = (
          await raw.query<{ path: string }>(`SELECT pg_relation_filepath('vecs.docs') AS path`)
        ).rows[0]?.path as string
        await raw.close()
        await corruptMiddlePage(join(dir, path))

        const damaged = await within(CALL_TIMEOUT_MS, 'open', createClient(dir))
        try {
          await assertDamaged(damaged)
        } finally {
          await within(CALL_TIMEOUT_MS, 'disconnect', damaged.disconnect())
        }
        assert.deepEqual(watch.escaped, [])
      } finally {
        watch.stop()
        await rm(dir, { recursive: true, force: true })
      }
    },
  )

  const serverReason = nativePostgresSkipReason({ pgvector: true })
  test(
    'server: calls reading a corrupted page reject with DatabaseDamaged',
    { skip: serverReason ?? false, timeout: 120_000 },
    async () => {
      const server = await startNativePostgres({ pgvector: true })
      const watch = watchProcess()
      try {
        const vx = await createClient(server.url)
        let file: string
        try {
          await (await vx.getOrCreateCollection('docs', { dimension: DIMENSION })).upsert(batch(0))
          file = await serverTableFile(server.url)
        } finally {
          await vx.disconnect()
        }
        // Killed after a checkpoint: recovery replays no page images over the damage.
        await server.kill()
        await corruptMiddlePage(file)
        await server.restart()

        const damaged = await createClient(server.url)
        try {
          await assertDamaged(damaged)
        } finally {
          await damaged.disconnect()
        }
        assert.deepEqual(watch.escaped, [])
      } finally {
        watch.stop()
        await server.stop()
      }
    },
  )
})

/** The absolute path of vecs.docs' heap file, after a CHECKPOINT has written it out. */
async function serverTableFile(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('CHECKPOINT')
    const { rows } = await client.query<{ dir: string; path: string }>(
      `SELECT current_setting('data_directory') AS dir, pg_relation_filepath('vecs.docs') AS path`,
    )
    return join(rows[0]!.dir, rows[0]!.path)
  } finally {
    await client.end()
  }
}
