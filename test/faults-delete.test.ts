/**
 * Deletes lock ids in the order upserts do (bytewise), so deletes and upserts of overlapping ids
 * running at once never deadlock: no `40P01 deadlock detected`, on a real server with a pool.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { createClient, type Client, type Collection } from '../src/index.js'
import { seeded } from './support/data.js'
import { nativePostgresSkipReason, startNativePostgres } from './support/native-postgres.js'
import type { NativePostgres } from './support/native-postgres.js'

const T = { timeout: 120_000 }
const skip = nativePostgresSkipReason({ pgvector: true }) ?? false

const IDS = 200
const PICK = 20
const WORKERS = 8
const ROUNDS = 150
const DIM = 8

describe('deletes racing upserts of overlapping ids', { skip }, () => {
  let server: NativePostgres
  let client: Client

  before(async () => {
    server = await startNativePostgres({ pgvector: true })
    await fastDeadlockChecks(server.url)
    client = await createClient(server.url, { poolSize: WORKERS + 2 })
  }, T)

  after(async () => {
    await client?.disconnect()
    await server?.stop()
  }, T)

  test('delete({ ids }) never deadlocks against concurrent upserts', T, async () => {
    const c = await filledCollection(client, 'race_ids')
    const failures = await race(c, (ids) => c.delete({ ids }))
    assert.deepEqual(failures, [])
  })

  test('delete({ filters }) never deadlocks against concurrent upserts', T, async () => {
    const c = await filledCollection(client, 'race_filters')
    const failures = await race(c, (ids) => c.delete({ filters: { tag: { $in: ids } } }))
    assert.deepEqual(failures, [])
  })
})

/** Deadlocks are found after deadlock_timeout (1 s by default): check sooner, so the race runs fast. */
async function fastDeadlockChecks(url: string): Promise<void> {
  const raw = new pg.Client({ connectionString: url })
  await raw.connect()
  try {
    await raw.query(`ALTER SYSTEM SET deadlock_timeout = '50ms'`)
    await raw.query('SELECT pg_reload_conf()')
  } finally {
    await raw.end()
  }
}

/** A collection of IDS records, each tagged with its own id in metadata (for filter deletes). */
async function filledCollection(client: Client, name: string): Promise<Collection> {
  const c = await client.getOrCreateCollection(name, { dimension: DIM })
  await c.upsert(allIds().map((id) => record(id, 0)))
  return c
}

/**
 * WORKERS writers for ROUNDS rounds each, half upserting and half deleting PICK ids drawn from the
 * same IDS (seeded, so each run draws the same sets). Returns the SQLSTATE or message of each
 * failed call.
 */
async function race(c: Collection, remove: (ids: string[]) => Promise<unknown>): Promise<string[]> {
  const failures: string[] = []
  const worker = async (w: number) => {
    const next = seeded(1000 + w)
    for (let round = 0; round < ROUNDS; round++) {
      const ids = pick(next)
      const call = w % 2 === 0 ? c.upsert(ids.map((id) => record(id, round))) : remove(ids)
      await call.catch((error: unknown) => failures.push(describeFailure(error)))
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
  return failures
}

function allIds(): string[] {
  return Array.from({ length: IDS }, (_, i) => `id${i}`)
}

/** PICK distinct ids, in the random order the generator gives (not sorted). */
function pick(next: () => number): string[] {
  const ids = new Set<string>()
  while (ids.size < PICK) ids.add(`id${Math.floor(next() * IDS)}`)
  return [...ids]
}

function record(id: string, round: number): [string, number[], { tag: string; round: number }] {
  return [id, Array.from({ length: DIM }, (_, i) => (i + round) % 7), { tag: id, round }]
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause
  const code = (error as { code?: unknown }).code ?? cause?.code
  return `${String(code)}: ${(error as Error).message}`
}
