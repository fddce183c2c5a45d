/**
 * Hostile input ends in a typed error before any SQL runs, and the database is as it was: ids past
 * the key limit, metadata and filters nested thousands deep, filters with more bound values than
 * PostgreSQL takes, callbacks of the wrong type or that throw, names that are not valid UTF-8, client
 * options of the wrong type. A seeded mini-fuzz throws a few hundred such inputs at one collection.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Adapter,
  ArgError,
  FilterError,
  ParagraphChunker,
  VecsError,
  type Collection,
  type Filter,
  type Metadata,
  type UpsertRecord,
} from '../src/index.js'
import { describeEachBackend, type TestBackend } from './backends.js'
import { seeded } from './support/data.js'
import { FakeEmbedding } from './support/fake-embedding.js'

const MAX_ID_BYTES = 2048
const MAX_DEPTH = 100
const MAX_CONDITIONS = 10_000

const SEEDED: readonly (readonly [string, number[], Metadata])[] = [
  ['a', [1, 0, 0], { n: 1, tag: 'x' }],
  ['b', [0, 1, 0], { n: 2, tag: 'y' }],
  ['c', [0, 0, 1], { n: 3, tag: 'z' }],
]

describeEachBackend('hostile input is refused before SQL', (b) => {
  async function seededCollection(): Promise<Collection> {
    const c = await b.client.getOrCreateCollection(b.uniqueName('input'), { dimension: 3 })
    await c.upsert(SEEDED.map(([id, v, m]) => [id, v, m]))
    return c
  }

  /** The collection holds exactly the seeded rows, unchanged. */
  async function assertUnchanged(c: Collection): Promise<void> {
    assert.equal(await c.count(), SEEDED.length)
    const fetched = await c.fetch(SEEDED.map(([id]) => id))
    assert.deepEqual(
      fetched.map((r) => [r.id, r.metadata]),
      SEEDED.map(([id, , m]) => [id, m]),
    )
  }

  test('an id over 2,048 bytes is ArgError in an array, a stream and through an adapter', async () => {
    const c = await seededCollection()
    const long = 'k'.repeat(MAX_ID_BYTES + 1)
    await assert.rejects(
      c.upsert([
        ['d', [1, 1, 1]],
        [long, [1, 1, 1]],
      ]),
      isArg(/2048 bytes/),
    )
    await assert.rejects(c.upsert(streamWithBadIdAt(4500, 5000, long)), isArg(/2048 bytes/))
    await assertUnchanged(c)
    // Random bytes do not compress: the id fits the btree only because of the limit.
    const random = seeded(7)
    const widest = Array.from({ length: MAX_ID_BYTES / 2 }, () =>
      String.fromCharCode(0x400 + Math.floor(random() * 0x400)),
    ).join('')
    assert.equal(Buffer.byteLength(widest), MAX_ID_BYTES)
    await c.upsert([[widest, [1, 1, 1]]])
    assert.deepEqual(
      (await c.fetch([widest])).map((r) => r.id),
      [widest],
    )
    assert.deepEqual(await c.delete({ ids: [widest] }), [widest])
    await assertUnchanged(c)
    // An id a chunker lengthens past the limit is refused as well.
    const adapter = new Adapter([
      new ParagraphChunker({ skipDuringQuery: true }),
      new FakeEmbedding(),
    ])
    const texts = await b.client.getOrCreateCollection(c.name, { adapter })
    await assert.rejects(texts.upsert([['p'.repeat(MAX_ID_BYTES), 'cat\n\ndog']]), isArg(/2048/))
    await assertUnchanged(c)
  })

  test('fetch and delete refuse an id over the limit as upsert does', async () => {
    const c = await seededCollection()
    const long = 'x'.repeat(MAX_ID_BYTES + 1)
    await assert.rejects(c.fetch(['a', long]), isArg(/2048 bytes/))
    await assert.rejects(c.delete({ ids: ['a', long] }), isArg(/2048 bytes/))
    await assertUnchanged(c)
  })

  test('metadata nested 10,000 deep is ArgError, not a stack overflow; 100 levels work', async () => {
    const c = await seededCollection()
    for (const metadata of [nestedObject(10_000), { list: nestedArray(10_000) } as Metadata]) {
      await assert.rejects(c.upsert([['d', [1, 1, 1], metadata]]), isArg(/nest at most 100/))
    }
    await assert.rejects(c.upsert([['d', [1, 1, 1], nestedObject(MAX_DEPTH + 1)]]), isArg(/100/))
    await assertUnchanged(c)
    const deepest = nestedObject(MAX_DEPTH)
    await c.upsert([['d', [1, 1, 1], deepest]])
    assert.deepEqual((await c.fetch(['d']))[0]?.metadata, deepest)
  })

  test('a filter nested 10,000 deep is FilterError in query and delete', async () => {
    const c = await seededCollection()
    let filter: Filter = { n: 1 }
    for (let i = 0; i < 10_000; i++) filter = { $and: [filter, { n: { $gte: 0 } }] }
    await assert.rejects(c.query({ data: [1, 0, 0], filters: filter }), isFilter(/nest/))
    await assert.rejects(c.delete({ filters: filter }), isFilter(/nest/))
    const deepValue = { n: { $eq: nestedObject(10_000) } } as unknown as Filter
    await assert.rejects(c.query({ data: [1, 0, 0], filters: deepValue }), isFilter(/nest/))
    await assertUnchanged(c)
  })

  test('a filter past the bound-value budget is FilterError; a 70,000-value $in works', async () => {
    const c = await seededCollection()
    const many = (n: number): Filter => ({
      $and: Array.from({ length: n }, (_, i) => ({ n: { $gt: -i - 1 } })),
    })
    for (const filters of [many(30_000), many(MAX_CONDITIONS + 1)]) {
      await assert.rejects(c.query({ data: [1, 0, 0], filters }), isFilter(/10000 conditions/))
      await assert.rejects(c.delete({ filters }), isFilter(/10000 conditions/))
    }
    await assertUnchanged(c)
    const values = Array.from({ length: 70_000 }, (_, i) => i + 2)
    const ids = await c.query({ data: [0, 1, 0], filters: { n: { $in: values } }, limit: 5 })
    assert.deepEqual(ids.sort(), ['b', 'c'])
    const atLimit = await c.query({ data: [1, 0, 0], filters: many(MAX_CONDITIONS), limit: 5 })
    assert.deepEqual(atLimit.sort(), ['a', 'b', 'c'])
  })

  test('upsert onProgress must be a function: ArgError before anything is written', async () => {
    const c = await seededCollection()
    for (const onProgress of [5, 'yes', {}, null]) {
      await assert.rejects(
        c.upsert([['d', [1, 1, 1]]], { onProgress: onProgress as never }),
        isArg(/onProgress must be a function/),
      )
    }
    await assert.rejects(c.upsert([['d', [1, 1, 1]]], { onProgres: () => {} } as never), isArg())
    await assert.rejects(c.createIndex({ onProgress: 5 as never }), isArg(/onProgress/))
    await assertUnchanged(c)
  })

  // Only new ids in an array of several batches take the direct COPY path on a server.
  for (const [label, rows, replacing] of [
    ['one batch', 3, true],
    ['several batches', 5000, true],
    ['several batches of new ids', 5000, false],
  ] as const) {
    test(`an upsert whose onProgress throws rejects with that error and writes nothing (${label})`, async () => {
      const c = await seededCollection()
      const boom = new Error('progress failed')
      const records = (): UpsertRecord[] => [
        ...(replacing ? [['a', [1, 1, 1], { n: 100 }] as UpsertRecord] : []),
        ...Array.from({ length: rows }, (_, i): UpsertRecord => [`new${i}`, [1, 2, 3]]),
      ]
      for (const input of [records(), generate(records()), asyncGenerate(records())]) {
        await assert.rejects(c.upsert(input, { onProgress: () => fail(boom) }), (e) => e === boom)
        await assertUnchanged(c)
      }
    })
  }

  test('collection and schema names that are not valid UTF-8 are ArgError', async () => {
    for (const name of ['\uD800', 'a\uDC00b', `x${'\uD83D'}`]) {
      await assert.rejects(
        b.client.getOrCreateCollection(name, { dimension: 3 }),
        isArg(/UTF-8|surrogate/),
      )
      await assert.rejects(b.client.getCollection(name), isArg(/UTF-8|surrogate/))
      await assert.rejects(b.client.deleteCollection(name), isArg(/UTF-8|surrogate/))
      await assert.rejects(b.connect({ schema: name }), isArg(/UTF-8|surrogate/))
    }
    const listed = await b.client.listCollections()
    assert.ok(listed.every((c) => c.name.isWellFormed()))
  })

  test('ids, metadata keys and strings with lone surrogates are ArgError', async () => {
    const c = await seededCollection()
    await assert.rejects(c.upsert([['\uD800', [1, 1, 1]]]), isArg())
    await assert.rejects(c.upsert([['d', [1, 1, 1], { '\uDC00': 1 }]]), isArg())
    await assert.rejects(c.upsert([['d', [1, 1, 1], { k: ['ok', 'x\uD800'] }]]), isArg())
    await assert.rejects(c.fetch(['\uD800']), isArg())
    await assert.rejects(c.query({ data: [1, 0, 0], filters: { k: '\uD800' } }), isFilter())
    await assertUnchanged(c)
  })

  test('createClient options and locations of the wrong type are ArgError naming the option', async () => {
    const bad: [object, RegExp][] = [
      [{ poolSize: 0 }, /poolSize/],
      [{ poolSize: 2.5 }, /poolSize/],
      [{ poolSize: '5' }, /poolSize/],
      [{ statementTimeout: -1 }, /statementTimeout/],
      [{ connectionTimeoutMillis: 'soon' }, /connectionTimeoutMillis/],
      [{ idleTimeoutMillis: Number.NaN }, /idleTimeoutMillis/],
      [{ applicationName: 42 }, /applicationName/],
      [{ assumeDefaultSettings: 'yes' }, /assumeDefaultSettings/],
      [{ ssl: 'on' }, /ssl/],
      [{ pool: 5 }, /unknown createClient option: pool/],
      [{ shcema: 'vecs' }, /unknown createClient option: shcema/],
    ]
    for (const [options, message] of bad) {
      await assert.rejects(b.connect(options as never), isArg(message), JSON.stringify(options))
    }
    const { createClient } = await import('../src/index.js')
    for (const location of [{ pool: 5 }, { pool: {} }, { pglite: 'db' }, { pglite: {} }, 42, []]) {
      await assert.rejects(createClient(location as never), isArg(/location|pool|pglite/))
    }
    await assert.rejects(createClient(undefined, 5 as never), isArg(/options/))
  })

  test('a seeded mini-fuzz of 300 bad inputs: each a VecsError, the rows unchanged', async () => {
    const c = await seededCollection()
    const random = seeded(15)
    const kinds: Record<string, (r: () => number) => () => Promise<unknown>> = badInputs(c, b)
    const names = Object.keys(kinds)
    const seen = new Map<string, number>()
    for (let i = 0; i < 300; i++) {
      const kind = names[Math.floor(random() * names.length)] as string
      seen.set(kind, (seen.get(kind) ?? 0) + 1)
      const call = (kinds[kind] as (r: () => number) => () => Promise<unknown>)(random)
      await assert.rejects(call(), (e) => {
        assert.ok(e instanceof VecsError, `${kind} #${i}: ${String(e)}`)
        return true
      })
    }
    assert.equal(seen.size, names.length)
    await assertUnchanged(c)
  })
})

/** Generators of bad calls, each drawing its details from the seeded `random`. */
function badInputs(c: Collection, b: TestBackend) {
  const int = (r: () => number, min: number, max: number) => min + Math.floor(r() * (max - min))
  return {
    longId: (r: () => number) => {
      const id = randomText(r, int(r, MAX_ID_BYTES + 1, 6000), 'aé€😀'[int(r, 0, 4)] as string)
      return () =>
        c.upsert([
          ['ok', [1, 1, 1]],
          [id, [1, 1, 1]],
        ])
    },
    deepMetadata: (r: () => number) => {
      const depth = int(r, MAX_DEPTH + 1, 5000)
      const metadata = r() < 0.5 ? nestedObject(depth) : ({ list: nestedArray(depth) } as Metadata)
      return () => c.upsert([['ok', [1, 1, 1], metadata]])
    },
    deepFilter: (r: () => number) => {
      let filter: Filter = { n: 1 }
      const depth = int(r, MAX_DEPTH + 1, 3000)
      for (let i = 0; i < depth; i++) filter = { [r() < 0.5 ? '$and' : '$or']: [filter, { n: 2 }] }
      return () =>
        r() < 0.5 ? c.delete({ filters: filter }) : c.query({ data: [1, 0, 0], filters: filter })
    },
    wideFilter: (r: () => number) => {
      const n = int(r, MAX_CONDITIONS + 1, 25_000)
      const filters = { $or: Array.from({ length: n }, (_, i) => ({ [`k${i}`]: { $lt: i } })) }
      return () => c.delete({ filters })
    },
    badCallback: (r: () => number) => {
      const onProgress = [5, 'f', {}, [], true][int(r, 0, 5)]
      return () => c.upsert([['ok', [1, 1, 1]]], { onProgress: onProgress as never })
    },
    surrogate: (r: () => number) => {
      const lone = String.fromCharCode(int(r, 0xd800, 0xe000))
      const where = int(r, 0, 4)
      if (where === 0) return () => b.client.getOrCreateCollection(`c${lone}`, { dimension: 3 })
      if (where === 1) return () => c.upsert([[`id${lone}`, [1, 1, 1]]])
      if (where === 2) return () => c.upsert([['ok', [1, 1, 1], { [`k${lone}`]: 1 }]])
      return () => c.upsert([['ok', [1, 1, 1], { k: [`v${lone}`] }]])
    },
    clientOption: (r: () => number) => {
      const options = [
        { poolSize: -int(r, 0, 9) },
        { statementTimeout: 'x' },
        { idleTimeoutMillis: -1 },
        { ssl: 1 },
        { schema: 7 },
        { applicationName: {} },
        { nope: true },
      ][int(r, 0, 7)]
      return () => b.connect(options as never)
    },
  }
}

function isArg(message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ArgError, `expected ArgError, got ${String(error)}`)
    if (message) assert.match(error.message, message)
    return true
  }
}

function isFilter(message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof FilterError, `expected FilterError, got ${String(error)}`)
    if (message) assert.match(error.message, message)
    return true
  }
}

function fail(error: Error): never {
  throw error
}

async function* streamWithBadIdAt(at: number, total: number, badId: string) {
  for (let i = 0; i < total; i++) yield [i === at ? badId : `s${i}`, [1, 2, 3]] as UpsertRecord
}

function* generate<T>(items: T[]) {
  yield* items
}

async function* asyncGenerate<T>(items: T[]) {
  yield* items
}

function nestedObject(depth: number): Metadata {
  let value: Metadata = { leaf: 1 }
  for (let i = 1; i < depth; i++) value = { d: value }
  return value
}

function nestedArray(depth: number): unknown[] {
  let value: unknown[] = [1]
  for (let i = 1; i < depth; i++) value = [value]
  return value
}

/** `count` characters: `char` at random places among random ASCII letters and digits. */
function randomText(random: () => number, count: number, char: string): string {
  const ascii = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let out = ''
  for (let i = 0; i < count; i++) {
    out += random() < 0.5 ? char : ascii[Math.floor(random() * ascii.length)]
  }
  return out
}
