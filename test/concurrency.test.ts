import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import { createClient, type Client, type Location, type UpsertRecord } from '../src/index.js'
import { describeEachBackend, servePGlite, type TestBackend } from './backends.js'
import { seeded } from './support/data.js'

/** Ids 0..n-1 in an order of this writer's own: shuffled by a seed. */
function shuffledIds(n: number, seed: number): string[] {
  const ids = Array.from({ length: n }, (_, i) => `id${i}`)
  const next = seeded(seed)
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[ids[i], ids[j]] = [ids[j] as string, ids[i] as string]
  }
  return ids
}

describeEachBackend('concurrent writers', (b) => {
  test('8 writers upserting overlapping ids in different orders finish, and every row is whole', async () => {
    const name = b.uniqueName()
    await b.client.getOrCreateCollection(name, { dimension: 4 })
    const writers: Client[] = await Promise.all(
      Array.from({ length: 8 }, () => b.connect({ poolSize: 2 })),
    )
    const overlap = 3000
    // Writers of more than one batch (2000 rows) copy straight into the table when all their ids are
    // new, and fall back to staging and merging when another writer got there first; smaller
    // writers take the single-statement path. All of them lock ids in one order.
    const sizes = [3000, 600, 2500, 300, 3000, 900, 2200, 1000]
    await Promise.all(
      writers.map(async (client, w) => {
        const c = await client.getCollection(name)
        const ids = shuffledIds(overlap, w + 1).slice(0, sizes[w])
        for (let round = 0; round < 2; round++) {
          const records: UpsertRecord[] = ids.map((id) => [id, [w, round, w, round], { w, round }])
          await c.upsert(records)
        }
      }),
    )
    const c = await b.client.getCollection(name)
    const everyId = new Set(
      writers.flatMap((_, w) => shuffledIds(overlap, w + 1).slice(0, sizes[w])),
    )
    assert.equal(await c.count(), everyId.size)
    const rows = await c.fetch([...everyId])
    assert.equal(rows.length, everyId.size)
    for (const row of rows) {
      const { w, round } = row.metadata as { w: number; round: number }
      assert.deepEqual(row.vector, [w, round, w, round], `row ${row.id} mixes two writes`)
      assert.equal(round, 1, `row ${row.id} kept a first-round write after the second round`)
    }
  })
})

describeEachBackend('clients started together', (b) => {
  /**
   * 50 clients at once on a database where neither pgvector nor the schema exists yet, as many
   * serverless functions start together: every one starts, and they share one schema. On a server,
   * a database of its own (the clients race to create the extension and the schema); embedded and
   * served, a PGlite of its own (its one session takes the clients in turn).
   */
  test('50 clients opened at once on a new database all start: pgvector and the schema are created once', async (t) => {
    const fresh = await freshDatabase(b, t)
    if (fresh === null) return
    try {
      const started = await Promise.allSettled(
        Array.from({ length: 50 }, () => createClient(fresh.location(), { poolSize: 1 })),
      )
      const failed = started.filter((s) => s.status === 'rejected')
      assert.deepEqual(
        failed.map((f) => String((f as PromiseRejectedResult).reason)),
        [],
        'every client started',
      )
      const clients = started.map((s) => (s as PromiseFulfilledResult<Client>).value)
      // They all work on the one schema: one creates a collection, another sees it.
      const c = await clients[0]!.getOrCreateCollection('shared', { dimension: 2 })
      await c.upsert([['a', [1, 2]]])
      assert.equal(await (await clients[49]!.getCollection('shared')).count(), 1)
      await Promise.all(clients.map((client) => client.disconnect()))
    } finally {
      await fresh.drop()
    }
  })
})

/** A database no client has opened yet, on the suite's backend; null (skipped) where none can be made. */
async function freshDatabase(
  b: TestBackend,
  t: TestContext,
): Promise<{ location(): Location; drop(): Promise<void> } | null> {
  if (b.name === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite')
    const { vector } = await import('@electric-sql/pglite-pgvector')
    const db = await PGlite.create({ extensions: { vector } })
    return { location: () => ({ pglite: db }), drop: () => db.close() }
  }
  if (b.name === 'pg-socket') {
    const served = await servePGlite()
    return { location: () => served.location() as Location, drop: () => served.close() }
  }
  const database = `vecs_start_${randomBytes(4).toString('hex')}`
  try {
    await b.raw(`CREATE DATABASE ${database}`)
  } catch (error) {
    t.skip(`this role cannot create a database: ${(error as Error).message}`)
    return null
  }
  const url = new URL(b.url as string)
  url.pathname = `/${database}`
  return {
    location: () => url.toString(),
    drop: async () => void (await b.raw(`DROP DATABASE ${database} WITH (FORCE)`)),
  }
}
