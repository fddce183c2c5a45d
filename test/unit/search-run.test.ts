import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Backend, Queryable } from '../../src/backend/backend.js'
import { checkQuery } from '../../src/query/query-options.js'
import { planSearch, type ServerFeatures } from '../../src/query/plan.js'
import { runSearch } from '../../src/query/run.js'
import type { CurrentIndex } from '../../src/vector-index/read.js'
import { hnswIndex, TABLE } from '../support/indexes.js'

const table = TABLE
const hnsw = hnswIndex()

/** A backend that records what it is sent and answers every search with a full page. */
function recording(ownsSessions: boolean) {
  const sent: string[] = []
  const full = Array.from({ length: 10 }, (_, i) => ({ id: String(i) }))
  const q: Queryable = {
    async query<R>(text: string): Promise<R[]> {
      sent.push(text.startsWith('SELECT set_config') ? 'SET SESSION' : text.split(/\s/)[0]!)
      return (/^(WITH|SELECT id)/.test(text) ? full : []) as R[]
    },
    copyFrom: async () => {},
  }
  const kept = new Map<string, string>()
  const db: Backend = {
    kind: 'postgres',
    capabilities: {} as Backend['capabilities'],
    ownsSessions,
    query: q.query,
    copyFrom: q.copyFrom,
    async transaction(fn, prelude) {
      sent.push(prelude ? 'BEGIN+SET LOCAL' : 'BEGIN')
      const result = await fn(q)
      sent.push('COMMIT')
      return result
    },
    session: (fn) => fn(q, kept),
    within: () => assert.fail('a search never asks for a transaction of its own'),
    close: async () => {},
  }
  return { db, sent, kept }
}

const search = async (db: Backend, features: ServerFeatures, options: object) => {
  const checked = checkQuery({ data: [1, 2], ...options })
  const plan = planSearch(table, checked, Buffer.alloc(12), hnsw, features)
  return runSearch(db, plan, checked.limit, features)
}

test('on a session vecs owns, settings are set once and then every search is one statement', async () => {
  const features = { iterativeScans: true, ownsSessions: true, sessionDefaults: null, citus: false }
  const { db, sent, kept } = recording(true)
  await search(db, features, { filters: { a: 1 } })
  await search(db, features, {})
  await search(db, features, { filters: { a: 2 } })
  assert.deepEqual(sent, ['SET SESSION', 'WITH', 'WITH', 'WITH'])
  assert.equal(kept.get('hnsw.ef_search'), '40')
  assert.equal(kept.get('hnsw.iterative_scan'), 'relaxed_order')
  // Another ef_search changes only what differs, and the connection remembers it.
  sent.length = 0
  await search(db, features, { efSearch: 80 })
  await search(db, features, { efSearch: 80 })
  assert.deepEqual(sent, ['SET SESSION', 'WITH', 'WITH'])
  assert.equal(kept.get('hnsw.ef_search'), '80')
  // Exact search needs no setting at all: one statement, whatever the session holds.
  sent.length = 0
  await search(db, features, { exact: true })
  assert.deepEqual(sent, ['SELECT'])
})

test('on a user pool nothing is left on the session: settings are local to a transaction', async () => {
  const unknown = { iterativeScans: true, ownsSessions: false, sessionDefaults: null, citus: false }
  const { db, sent, kept } = recording(false)
  await search(db, unknown, {})
  assert.deepEqual(sent, ['BEGIN+SET LOCAL', 'SELECT', 'COMMIT'])
  assert.equal(kept.size, 0)
  // Settings the user promised the session holds are not sent at all.
  const promised = {
    ...unknown,
    sessionDefaults: { 'hnsw.ef_search': '40', 'hnsw.iterative_scan': 'off' },
  }
  sent.length = 0
  await search(db, promised, {})
  assert.deepEqual(sent, ['SELECT'])
})
