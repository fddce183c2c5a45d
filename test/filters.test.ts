/**
 * Metadata filters on real backends, through both `query({ filters })` and `delete({ filters })`.
 * The first suites port Python vecs' own filter tests (src/tests/test_collection.py: test_query_filters,
 * test_filters_eq, test_filters_in, test_filters_contains and the filter part of test_delete); where
 * vecs differs from Python vecs on purpose (SPEC §4), the test says so next to the case.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { inspect } from 'node:util'
import pg from 'pg'
import {
  ArgError,
  FilterError,
  createClient,
  type Client,
  type Collection,
  type Filter,
  type Metadata,
  type PGliteLike,
  type PgPoolLike,
} from '../src/index.js'
import { describeEachBackend, type TestBackend } from './backends.js'
import { distances, randomVectors } from './support/data.js'

type Row = readonly [id: string, vector: number[], metadata: Metadata]

const QUERY = [1, 0.5, 0.25]

/** Rows with these ids and metadata, each with its own small deterministic vector. */
function rowsOf(entries: readonly (readonly [string, Metadata])[], seed = 1): Row[] {
  const vectors = randomVectors(entries.length, 3, seed)
  return entries.map(([id, metadata], i) => [id, vectors[i] as number[], metadata])
}

async function seed(b: TestBackend, rows: readonly Row[]): Promise<Collection> {
  const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
  await c.upsert(rows.map(([id, vector, metadata]) => [id, vector, metadata]))
  return c
}

function sorted(ids: readonly string[]): string[] {
  return [...ids].sort()
}

/** The ids still in `c`, out of `rows`. */
async function presentIds(c: Collection, rows: readonly Row[]): Promise<string[]> {
  const found = await c.fetch(rows.map(([id]) => id))
  return sorted(found.map((r) => r.id))
}

/**
 * `filter` selects exactly `expected`: the query returns those ids, and a delete with the same
 * filter removes and returns exactly those ids and nothing else. The deleted rows are put back.
 */
async function assertSelects(
  c: Collection,
  rows: readonly Row[],
  filter: Filter,
  expected: readonly string[],
): Promise<void> {
  const label = inspect(filter, { depth: 10 })
  assert.equal(await c.count(), rows.length, `all rows present before ${label}`)
  const found = await c.query({ data: QUERY, limit: 1000, filters: filter })
  assert.deepEqual(sorted(found), sorted(expected), `query ${label}`)
  const deleted = await c.delete({ filters: filter })
  assert.deepEqual(sorted(deleted), sorted(expected), `delete ${label}`)
  const kept = rows.map(([id]) => id).filter((id) => !expected.includes(id))
  assert.deepEqual(await presentIds(c, rows), sorted(kept), `rows left after delete ${label}`)
  await c.upsert(rows.filter(([id]) => expected.includes(id)).map(([id, v, m]) => [id, v, m]))
}

/** A filter the type system would refuse, to check the runtime rejects it too. */
function asFilter(value: unknown): Filter {
  return value as Filter
}

function isFilterError(error: unknown): true {
  assert.ok(error instanceof FilterError, `expected a FilterError, got ${String(error)}`)
  assert.equal(error.code, 'VECS_FILTER')
  return true
}

/** Every FilterError case of SPEC §4, plus the other values the parser refuses. */
const INVALID_FILTERS: readonly (readonly [string, unknown])[] = [
  ['an array instead of an object', ['wrong type']],
  ['a string', 'year'],
  ['null', null],
  ['a number', 1997],
  ['a Map', new Map([['year', 1997]])],
  [
    'a class instance',
    new (class Query {
      year = 1997
    })(),
  ],
  ['an unknown operator', { year: { $no_op: 1997 } }],
  ['an unknown operator where a field is expected', { $not: { year: 1997 } }],
  ['$in with a scalar', { a: { $in: 1 } }],
  ['$in with an array element', { a: { $in: [1, [2]] } }],
  ['$in with an object element', { a: { $in: [{ b: 1 }] } }],
  ['$in with a null element', { a: { $in: [null] } }],
  ['$nin with a string', { a: { $nin: 'a' } }],
  ['$nin with an array element', { a: { $nin: [[1]] } }],
  ['$contains with an array', { a: { $contains: [1, 2, 3] } }],
  ['$contains with an object', { a: { $contains: { a: 1 } } }],
  ['$contains with null', { a: { $contains: null } }],
  ['an empty $and', { $and: [] }],
  ['an empty $or', { $or: [] }],
  ['$and with an object instead of an array', { $and: { year: { $eq: 1997 } } }],
  ['$or holding an empty filter', { $or: [{}] }],
  ['an empty $and nested in $or', { $or: [{ year: 1997 }, { $and: [] }] }],
  ['a symbol key', { [Symbol('year')]: { $eq: 1997 } }],
  ['two operators in one operator object', { year: { $eq: 1997, $ne: 1998 } }],
  ['an operator mixed with a field', { year: { $eq: 1997, month: 1 } }],
  ['an empty operator object', { year: {} }],
  ['a comparison with a boolean', { year: { $gt: true } }],
  ['a comparison with null', { year: { $lt: null } }],
  ['a comparison with an array', { year: { $lte: [1997] } }],
  ['$exists with a number', { year: { $exists: 1 } }],
  ['NaN', { year: NaN }],
  ['Infinity in $in', { year: { $in: [Infinity] } }],
  ['a Date value', { year: new Date(0) }],
  ['an undefined value', { year: undefined }],
  ['a NUL in a key', { 'ye\0ar': 1997 }],
  ['a NUL in a value', { year: { $eq: 'nine\0teen' } }],
  ['a field name starting with $', { $year: 1997 }],
]

describeEachBackend('filters', (b) => {
  describe('ported from Python vecs test_query_filters', () => {
    // Python's rows, with 3-dim vectors instead of 4-dim ones.
    const rows = rowsOf([
      ['0', { year: 1990 }],
      ['1', { year: 1995 }],
      ['2', { year: 2005 }],
      ['3', { year: 2001 }],
      ['4', { year: 1985 }],
      ['5', { year: 1863 }],
      ['6', { year: 2021 }],
      ['7', { year: 2019 }],
      ['8', { year: 2003 }],
      ['9', { year: 1997 }],
    ])

    test('$lt, $lte, $gt and $gte select by numeric order', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { year: { $lt: 1990 } }, ['4', '5'])
      await assertSelects(c, rows, { year: { $lte: 1989 } }, ['4', '5'])
      await assertSelects(c, rows, { year: { $lte: 1990 } }, ['0', '4', '5'])
      await assertSelects(c, rows, { year: { $gt: 2019 } }, ['6'])
      await assertSelects(c, rows, { year: { $gte: 2019 } }, ['6', '7'])
    })

    test('$ne matches every row whose value differs', async () => {
      const c = await seed(b, rows)
      await assertSelects(
        c,
        rows,
        { year: { $ne: 2000 } },
        rows.map(([id]) => id),
      )
      await assertSelects(c, rows, { year: { $ne: 1997 } }, [
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
      ])
    })

    test('a filtered query with a limit returns at most that many rows', async () => {
      const c = await seed(b, rows)
      // Python asserts only the lengths of these limited results.
      assert.equal(
        (await c.query({ data: QUERY, limit: 3, filters: { year: { $ne: 2000 } } })).length,
        3,
      )
      assert.equal(
        (await c.query({ data: QUERY, limit: 3, filters: { year: { $lt: 1990 } } })).length,
        2,
      )
    })

    test('$and of two conditions matches the rows meeting both', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { $and: [{ year: { $eq: 1997 } }, { year: { $eq: 1997 } }] }, [
        '9',
      ])
      await assertSelects(c, rows, { $and: [{ year: { $gte: 1995 } }, { year: { $lt: 2002 } }] }, [
        '1',
        '3',
        '9',
      ])
    })

    test('$or of two conditions matches the rows meeting either', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { $or: [{ year: { $eq: 1997 } }, { year: { $eq: 2001 } }] }, [
        '3',
        '9',
      ])
    })

    test('several keys in one object mean AND', async () => {
      // Python vecs refuses this ({"key1": …, "key2": …} raises FilterError "max 1 entry per filter");
      // vecs defines it as AND (SPEC §4).
      const both = rowsOf([
        ['m1', { genre: 'drama', year: 1990 }],
        ['m2', { genre: 'drama', year: 2005 }],
        ['m3', { genre: 'action', year: 2005 }],
        ['m4', { genre: 'action', year: 2010 }],
      ])
      const c = await seed(b, both)
      await assertSelects(c, both, { key1: { $eq: 'v' }, key2: { $eq: 'v' } }, [])
      await assertSelects(c, both, { genre: { $eq: 'drama' }, year: { $gt: 2000 } }, ['m2'])
      await assertSelects(
        c,
        both,
        { year: { $gte: 2005 }, $or: [{ genre: 'drama' }, { year: 2010 }] },
        ['m2', 'm4'],
      )
    })

    test('a bare value means $eq', async () => {
      // Python vecs silently ignores a bare value ({"year": 1997} builds no condition at all);
      // vecs reads it as { year: { $eq: 1997 } } (SPEC §4).
      const c = await seed(b, rows)
      await assertSelects(c, rows, { year: 1997 }, ['9'])
    })

    test('Python vecs invalid filters throw FilterError', async () => {
      const c = await seed(b, rows)
      const invalid = [
        ['wrong type'],
        // Python's `{1: …}` is a non-string key; in JavaScript `{ 1: … }` is the string key "1",
        // so the non-string key here is a symbol.
        { [Symbol('key')]: { $eq: 'v' } },
        { $and: { year: { $eq: 1997 } } },
        { year: { $eq: 1997, $ne: 1998 } },
        { year: { $no_op: 1997 } },
      ]
      for (const filters of invalid) {
        await assert.rejects(
          c.query({ data: QUERY, limit: 3, filters: asFilter(filters) }),
          isFilterError,
        )
      }
    })
  })

  describe('ported from Python vecs test_filters_eq', () => {
    const rows = rowsOf([
      ['0', { a: 1 }],
      ['1', { a: 2 }],
      ['2', { a: 3 }],
      ['3', { b: [1, 2] }],
      ['4', { b: [1, 3] }],
      ['5', { b: 1 }],
      ['6', { c: { d: 'hi' } }],
    ])

    async function indexed(): Promise<Collection> {
      const c = await seed(b, rows)
      await c.createIndex() // as Python does: filters must work with a vector index in place
      return c
    }

    test('$eq on a number matches that number only', async () => {
      const c = await indexed()
      await assertSelects(c, rows, { a: { $eq: 1 } }, ['0'])
      await assertSelects(c, rows, { a: { $eq: 5 } }, [])
    })

    test('$eq between a scalar and an array never matches', async () => {
      const c = await indexed()
      await assertSelects(c, rows, { a: { $eq: [1] } }, [])
      await assertSelects(c, rows, { b: { $eq: 2 } }, [])
      // Containment would let [1, 2] match 1; equality must not.
      await assertSelects(c, rows, { b: { $eq: 1 } }, ['5'])
    })

    test('$eq on arrays compares the whole array', async () => {
      const c = await indexed()
      await assertSelects(c, rows, { b: { $eq: [1] } }, [])
      await assertSelects(c, rows, { b: { $eq: [1, 2] } }, ['3'])
      await assertSelects(c, rows, { b: { $eq: [2, 1] } }, [])
      await assertSelects(c, rows, { b: [1, 3] }, ['4'])
    })

    test('$eq on objects compares the whole object', async () => {
      const c = await indexed()
      await assertSelects(c, rows, { c: { $eq: 'd' } }, [])
      await assertSelects(c, rows, { c: { $eq: 'hi' } }, [])
      await assertSelects(c, rows, { c: { $eq: { d: 'hi' } } }, ['6'])
      await assertSelects(c, rows, { c: { d: 'hi' } }, ['6'])
      await assertSelects(c, rows, { c: { $eq: {} } }, [])
      await assertSelects(c, rows, { c: { $eq: { d: 'hi', e: 1 } } }, [])
    })
  })

  describe('ported from Python vecs test_filters_in', () => {
    const rows = rowsOf([
      ['0', { a: 1, b: 2 }],
      ['1', { a: [1, 2, 3] }],
      ['2', { a: { '1': '2' } }],
      ['3', { a: '1' }],
    ])

    test('$in matches values of the same JSON type only', async () => {
      const c = await seed(b, rows)
      await c.createIndex()
      await assertSelects(c, rows, { a: { $in: [1, 2] } }, ['0'])
      await assertSelects(c, rows, { a: { $in: ['1', '2'] } }, ['3'])
    })

    test('$in needs an array of scalars', async () => {
      const c = await seed(b, rows)
      await assert.rejects(
        c.query({ data: QUERY, limit: 3, filters: { a: { $in: 1 } } }),
        isFilterError,
      )
      await assert.rejects(
        c.query({ data: QUERY, limit: 3, filters: { a: { $in: [1, [2]] } } }),
        isFilterError,
      )
    })
  })

  describe('ported from Python vecs test_filters_contains', () => {
    const rows = rowsOf([
      ['0', { a: 1, b: 2 }],
      ['1', { a: [1, 2, 3] }],
      ['2', { a: { '1': '2', x: 'y' } }],
      ['3', { a: ['1'] }],
      ['4', { a: [4, 3, 2, 1] }],
      ['5', { a: [2] }],
    ])

    test('$contains matches arrays holding the scalar, never scalars or objects', async () => {
      const c = await seed(b, rows)
      await c.createIndex()
      await assertSelects(c, rows, { a: { $contains: 1 } }, ['1', '4'])
      await assertSelects(c, rows, { a: { $contains: '1' } }, ['3'])
      await assertSelects(c, rows, { a: { $contains: 5 } }, [])
    })

    test('$contains needs a scalar', async () => {
      const c = await seed(b, rows)
      const filters = [{ a: { $contains: [1, 2, 3] } }, { a: { $contains: { a: 1 } } }]
      for (const f of filters)
        await assert.rejects(c.query({ data: QUERY, limit: 3, filters: f }), isFilterError)
    })
  })

  describe('delete (ported from Python vecs test_delete)', () => {
    const genres = ['action', 'rom-com', 'drama']
    const rows = rowsOf(
      Array.from({ length: 100 }, (_, i): [string, Metadata] => [
        `vec${i}`,
        { genre: genres[i % 3] as string, year: 1970 + ((i * 7) % 50) },
      ]),
      5,
    )

    test('delete by filter removes and returns exactly the matching ids', async () => {
      const c = await seed(b, rows)
      const deleted = await c.delete({ filters: { genre: { $eq: 'action' } } })
      const expected = rows.filter((_, i) => i % 3 === 0).map(([id]) => id)
      assert.equal(deleted.length, 34)
      assert.deepEqual(sorted(deleted), sorted(expected))
      assert.equal(await c.count(), 66)
      assert.deepEqual(await c.delete({ filters: { genre: { $eq: 'action' } } }), [])
      assert.equal(await c.count(), 66)
    })

    test('delete takes exactly one of ids and filters', async () => {
      const c = await seed(b, rows)
      const filters = { genre: { $eq: 'action' } }
      await assert.rejects(c.delete({ ids: 'should_be_a_list' as never }), ArgError)
      await assert.rejects(c.delete({} as never), ArgError)
      await assert.rejects(c.delete({ ids: ['vec0'], filters } as never), ArgError)
      assert.equal(await c.count(), 100)
    })

    test('delete with an empty filter is an ArgError and deletes nothing', async () => {
      const c = await seed(b, rows)
      await assert.rejects(c.delete({ filters: {} }), (error: unknown) => {
        assert.ok(error instanceof ArgError)
        assert.equal(error.code, 'VECS_ARG')
        return true
      })
      assert.equal(await c.count(), 100)
    })
  })

  describe('type-sensitive semantics', () => {
    const rows = rowsOf([
      ['t1', { v: 3 }],
      ['t2', { v: 7 }],
      ['t3', { v: 'abc' }],
      ['t4', { v: '1' }],
      ['t5', { v: 1 }],
      ['t6', { v: true }],
      ['t7', { v: null }],
      ['t8', { v: [1] }],
      ['t9', { v: { x: 1 } }],
      ['t10', { other: 1 }],
    ])
    const withV = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9']

    test('comparisons only match values of the operand type', async () => {
      // Python vecs compares jsonb as is, and jsonb orders null < strings < numbers < booleans <
      // arrays < objects: there $lt 5 also matches "abc", "1" and null, and $gt 5 matches true,
      // [1] and {x: 1}. vecs compares numbers with numbers and strings with strings (SPEC §4).
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: { $lt: 5 } }, ['t1', 't5'])
      await assertSelects(c, rows, { v: { $lte: 3 } }, ['t1', 't5'])
      await assertSelects(c, rows, { v: { $gt: 5 } }, ['t2'])
      await assertSelects(c, rows, { v: { $gte: 1 } }, ['t1', 't2', 't5'])
      await assertSelects(c, rows, { v: { $gte: 'a' } }, ['t3'])
      await assertSelects(c, rows, { v: { $lte: '1' } }, ['t4'])
    })

    test('equality tells 1, "1", true, null and [1] apart', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: 1 }, ['t5'])
      await assertSelects(c, rows, { v: '1' }, ['t4'])
      await assertSelects(c, rows, { v: true }, ['t6'])
      await assertSelects(c, rows, { v: null }, ['t7'])
      await assertSelects(c, rows, { v: { $eq: [1] } }, ['t8'])
      await assertSelects(c, rows, { v: { $eq: { x: 1 } } }, ['t9'])
    })

    test('$ne matches other values of any type but never rows without the key', async () => {
      const c = await seed(b, rows)
      await assertSelects(
        c,
        rows,
        { v: { $ne: 1 } },
        withV.filter((id) => id !== 't5'),
      )
      await assertSelects(
        c,
        rows,
        { v: { $ne: null } },
        withV.filter((id) => id !== 't7'),
      )
      await assertSelects(
        c,
        rows,
        { v: { $ne: [1] } },
        withV.filter((id) => id !== 't8'),
      )
    })

    test('$in matches by value and type', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: { $in: [1, 'abc'] } }, ['t3', 't5'])
      await assertSelects(c, rows, { v: { $in: [true] } }, ['t6'])
      await assertSelects(c, rows, { v: { $in: ['1', 7] } }, ['t2', 't4'])
    })

    test('$nin matches rows that have the key with none of the values', async () => {
      // Python vecs has no $nin.
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: { $nin: [1, 'abc'] } }, [
        't1',
        't2',
        't4',
        't6',
        't7',
        't8',
        't9',
      ])
      await assertSelects(c, rows, { other: { $nin: [2] } }, ['t10'])
    })

    test('an empty $in matches nothing and an empty $nin every row with the key', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: { $in: [] } }, [])
      await assertSelects(c, rows, { v: { $nin: [] } }, withV)
      await assertSelects(c, rows, { missing: { $nin: [] } }, [])
    })

    test('$exists tells present keys from absent ones, whatever the value', async () => {
      // Python vecs has no $exists.
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: { $exists: true } }, withV)
      await assertSelects(c, rows, { v: { $exists: false } }, ['t10'])
      await assertSelects(c, rows, { missing: { $exists: true } }, [])
      await assertSelects(
        c,
        rows,
        { missing: { $exists: false } },
        rows.map(([id]) => id),
      )
    })

    test('rows without the key never match $ne, $nin or comparisons', async () => {
      const c = await seed(b, rows)
      const filters: Filter[] = [
        { missing: { $ne: 1 } },
        { missing: { $nin: [1] } },
        { missing: { $lt: 100 } },
        { missing: { $gte: '' } },
        { missing: { $contains: 1 } },
      ]
      for (const filter of filters) await assertSelects(c, rows, filter, [])
    })

    test('$contains matches only arrays', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { v: { $contains: 1 } }, ['t8'])
      await assertSelects(c, rows, { v: { $contains: 'abc' } }, [])
    })
  })

  describe('nested $and and $or', () => {
    const rows = rowsOf([
      ['n1', { a: 1, b: 1 }],
      ['n2', { a: 1, b: 3 }],
      ['n3', { a: 2, c: 'x' }],
      ['n4', { a: 3, c: 'y' }],
      ['n5', { a: 4 }],
    ])

    test('$and and $or nest to any depth', async () => {
      const c = await seed(b, rows)
      const nested = {
        $or: [
          { $and: [{ a: 1 }, { b: { $gte: 2 } }] },
          { $and: [{ c: { $exists: true } }, { $or: [{ a: 2 }, { c: { $eq: 'z' } }] }] },
        ],
      }
      await assertSelects(c, rows, nested, ['n2', 'n3'])
      await assertSelects(
        c,
        rows,
        { $and: [{ $or: [{ a: 1 }, { a: 4 }] }, { b: { $exists: false } }] },
        ['n5'],
      )
      await assertSelects(c, rows, { $or: [{ $or: [{ $or: [{ a: 3 }] }] }] }, ['n4'])
    })

    test('$and and $or mix with plain keys in one object', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { a: { $lte: 2 }, $or: [{ b: 1 }, { c: 'x' }] }, ['n1', 'n3'])
      await assertSelects(c, rows, { $and: [{ a: { $gt: 1 } }], $or: [{ c: 'y' }, { a: 4 }] }, [
        'n4',
        'n5',
      ])
    })

    test('a $or over disjoint conditions matches their union', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { $or: [{ a: { $in: [] } }, { c: { $nin: [] } }, { b: 1 }] }, [
        'n1',
        'n3',
        'n4',
      ])
    })
  })

  describe('invalid filters', () => {
    const rows = rowsOf([
      ['x1', { year: 1997, a: [1, 2] }],
      ['x2', { year: 2001, a: 'b' }],
      ['x3', {}],
    ])

    for (const [what, filter] of INVALID_FILTERS) {
      test(`${what} is a FilterError in query and in delete, and deletes nothing`, async () => {
        const c = await seed(b, rows)
        const before = await c.fetch(rows.map(([id]) => id))
        await assert.rejects(c.query({ data: QUERY, filters: asFilter(filter) }), isFilterError)
        await assert.rejects(c.delete({ filters: asFilter(filter) }), isFilterError)
        assert.equal(await c.count(), rows.length)
        assert.deepEqual(await c.fetch(rows.map(([id]) => id)), before)
      })
    }

    test('invalid filters are refused before any statement is sent', async () => {
      const spy = await countingClient(b)
      try {
        const c = await spy.client.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
        await c.upsert(rows.map(([id, v, m]) => [id, v, m]))
        const sent = spy.statements()
        for (const [, filter] of INVALID_FILTERS) {
          await assert.rejects(c.query({ data: QUERY, filters: asFilter(filter) }), isFilterError)
          await assert.rejects(c.delete({ filters: asFilter(filter) }), isFilterError)
        }
        await assert.rejects(c.delete({ filters: {} }), ArgError)
        assert.equal(spy.statements(), sent)
        assert.equal(await c.count(), rows.length)
        assert.ok(spy.statements() > sent, 'the spy sees statements')
      } finally {
        await spy.close()
      }
    })
  })

  describe('hostile keys and values', () => {
    const HOSTILE = [
      "it's",
      'say "hi"',
      'a;b',
      'x--y',
      'p$1',
      ') OR 1=1 --',
      "'; DROP TABLE vecs; --",
      'back\\slash\\',
      '\\x27\\"',
      'ключ 🔑 日本語 é',
      '%_*?',
      'tab\tnew\nline',
    ]
    const VALUES_ONLY = ['$1', '$eq']
    const rows: Row[] = rowsOf([
      ...HOSTILE.map((s, i): [string, Metadata] => [
        `h${i}`,
        { [s]: s, tag: s, list: [s, 'common'], nested: { [s]: s } },
      ]),
      ...VALUES_ONLY.map((s, i): [string, Metadata] => [`v${i}`, { tag: s, list: [s] }]),
      ['plain', { tag: 'plain', plain: 1 }],
    ])
    const hostileIds = HOSTILE.map((_, i) => `h${i}`)

    test('hostile metadata is stored and fetched unchanged', async () => {
      const c = await seed(b, rows)
      const fetched = await c.fetch(rows.map(([id]) => id))
      assert.deepEqual(
        fetched.map((r) => [r.id, r.metadata]),
        rows.map(([id, , m]) => [id, m]),
      )
    })

    test('hostile keys and values filter to exactly their own row', async () => {
      const c = await seed(b, rows)
      for (const [i, s] of HOSTILE.entries()) {
        await assertSelects(c, rows, { [s]: s }, [`h${i}`])
        await assertSelects(c, rows, { [s]: { $exists: true } }, [`h${i}`])
        await assertSelects(c, rows, { tag: { $eq: s } }, [`h${i}`])
        await assertSelects(c, rows, { list: { $contains: s } }, [`h${i}`])
        await assertSelects(c, rows, { nested: { $eq: { [s]: s } } }, [`h${i}`])
      }
    })

    test('hostile strings work in $in, $nin, $ne and comparisons', async () => {
      const c = await seed(b, rows)
      const [first, second] = HOSTILE as [string, string]
      await assertSelects(c, rows, { tag: { $in: [first, second, '$1'] } }, ['h0', 'h1', 'v0'])
      const others = rows.map(([id]) => id).filter((id) => id !== 'h0' && id !== 'h1')
      await assertSelects(c, rows, { tag: { $nin: [first, second] } }, others)
      await assertSelects(
        c,
        rows,
        { tag: { $ne: first } },
        rows.map(([id]) => id).filter((id) => id !== 'h0'),
      )
      await assertSelects(c, rows, { ') OR 1=1 --': { $gte: '' } }, ['h5'])
      await assertSelects(c, rows, { "it's": { $lt: 1 } }, [])
    })

    test('strings that look like operators are plain values', async () => {
      const c = await seed(b, rows)
      await assertSelects(c, rows, { tag: '$1' }, ['v0'])
      await assertSelects(c, rows, { tag: { $eq: '$eq' } }, ['v1'])
      await assertSelects(c, rows, { list: { $contains: '$eq' } }, ['v1'])
    })

    test('a hostile delete removes only its row and the table survives', async () => {
      const c = await seed(b, rows)
      assert.deepEqual(
        await c.delete({ filters: { "'; DROP TABLE vecs; --": { $exists: true } } }),
        ['h6'],
      )
      assert.deepEqual(await c.delete({ filters: { tag: ') OR 1=1 --' } }), ['h5'])
      assert.deepEqual(
        sorted(await c.delete({ filters: { list: { $contains: 'common' } } })),
        sorted(hostileIds.filter((id) => id !== 'h5' && id !== 'h6')),
      )
      assert.equal(await c.count(), rows.length - HOSTILE.length)
      const again = await b.client.getCollection(c.name)
      assert.deepEqual(sorted((await again.fetch(rows.map(([id]) => id))).map((r) => r.id)), [
        'plain',
        'v0',
        'v1',
      ])
      assert.ok((await b.client.listCollections()).some((x) => x.name === c.name))
    })
  })

  describe('nearest matching rows', () => {
    const vectors = randomVectors(400, 3, 42).map((v) => v.map(Math.fround))
    const rows: Row[] = vectors.map((v, i) => [`r${i}`, v, { group: i % 5, rank: i }])
    const query = [0.3, -0.7, 0.2]

    /** The `limit` ids nearest to `query` among rows `keep` accepts, computed in JS. */
    function nearest(
      measure: keyof typeof distances,
      keep: (m: Metadata) => boolean,
      limit: number,
    ) {
      return rows
        .filter(([, , m]) => keep(m))
        .map(([id, v]) => ({ id, value: distances[measure](query, v) }))
        .sort((x, y) => x.value - y.value)
        .slice(0, limit)
    }

    const filters = { group: { $in: [1, 4] }, rank: { $gte: 100 } }
    const keep = (m: Metadata) => [1, 4].includes(m.group as number) && (m.rank as number) >= 100

    for (const measure of ['cosine_distance', 'l2_distance', 'max_inner_product'] as const) {
      test(`a filtered query returns the nearest matching rows in order (${measure})`, async () => {
        const c = await seed(b, rows)
        const expected = nearest(measure, keep, 7)
        const found = await c.query({ data: query, limit: 7, filters, measure, includeValue: true })
        assert.deepEqual(
          found.map((r) => r.id),
          expected.map((r) => r.id),
        )
        for (const [i, r] of found.entries()) {
          assert.ok(
            Math.abs((r.value as number) - (expected[i]?.value as number)) < 1e-5,
            `value of ${r.id}`,
          )
        }
      })
    }

    test('a selective filter still fills the limit with an HNSW index', async () => {
      const c = await seed(b, rows)
      await c.createIndex()
      // 16 of 400 rows match: an index scan that filtered only its first ef_search candidates would
      // return fewer than the limit.
      const selective = { group: 3, rank: { $lt: 80 } }
      const matching = rows
        .filter(([, , m]) => m.group === 3 && (m.rank as number) < 80)
        .map(([id]) => id)
      assert.equal(matching.length, 16)
      const found = await c.query({
        data: query,
        limit: 10,
        filters: selective,
        includeValue: true,
      })
      assert.equal(found.length, 10)
      for (const r of found) assert.ok(matching.includes(r.id), `${r.id} matches the filter`)
      const values = found.map((r) => r.value as number)
      assert.deepEqual(
        values,
        [...values].sort((x, y) => x - y),
      )
    })
  })
})

/** A client on its own connection that counts what it sends, to see that nothing was sent. */
async function countingClient(
  b: TestBackend,
): Promise<{ client: Client; statements: () => number; close: () => Promise<void> }> {
  let sent = 0
  if (b.url !== null) {
    const pool = new pg.Pool({ connectionString: b.url, max: 2 })
    const counted: PgPoolLike = {
      query: (text, values) => {
        sent += 1
        return pool.query(text, values)
      },
      connect: async () => {
        const conn = await pool.connect()
        return {
          query: (text: string, values?: unknown[]) => {
            sent += 1
            return conn.query(text, values)
          },
          release: (err?: Error | boolean) => conn.release(err),
        }
      },
      end: () => pool.end(),
    }
    const client = await createClient({ pool: counted }, { schema: b.schema })
    return {
      client,
      statements: () => sent,
      close: async () => {
        await client.disconnect()
        await pool.end()
      },
    }
  }
  // The embedded backend has no URL: count the protocol messages of a PGlite of our own.
  const { PGlite } = await import('@electric-sql/pglite')
  const { vector } = await import('@electric-sql/pglite-pgvector')
  const db = await PGlite.create({ extensions: { vector } })
  const counted: PGliteLike = {
    waitReady: db.waitReady,
    get closed() {
      return db.closed
    },
    close: () => db.close(),
    execProtocolStream: (message, options) => {
      sent += 1
      return db.execProtocolStream(message, options)
    },
    _handleBlob: (blob) => db._handleBlob(blob),
    _cleanupBlob: () => db._cleanupBlob(),
  }
  const client = await createClient({ pglite: counted }, { schema: b.schema })
  return {
    client,
    statements: () => sent,
    close: async () => {
      await client.disconnect()
      await db.close()
    },
  }
}
