/**
 * The Python vecs table layout (SPEC §1 "Table layout"), so that vecs and Python vecs share one
 * database: what vecs creates looks like what Python vecs creates, and the other way round.
 * The catalog is read with plain SQL beside the vecs client: through node-postgres on the backends
 * that have a URL, and through a PGlite instance of our own (wrapped with `createClient({ pglite })`)
 * on the embedded backend, which has no URL.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import {
  ArgError,
  CollectionNotFound,
  IndexArgsHNSW,
  IndexArgsIVFFlat,
  MismatchedDimension,
  createClient,
  type Client,
} from '../src/index.js'
import { describeEachBackend, type TestBackend } from './backends.js'

/** A vecs client and plain SQL on the same database and schema. */
interface Raw {
  readonly vx: Client
  query<R>(text: string, params?: unknown[]): Promise<R[]>
  close(): Promise<void>
}

async function openRaw(b: TestBackend): Promise<Raw> {
  if (b.url !== null) {
    const conn = new pg.Client({ connectionString: b.url })
    await conn.connect()
    return {
      vx: b.client,
      query: async <R>(text: string, params?: unknown[]) =>
        (await conn.query(text, params)).rows as R[],
      close: () => conn.end(),
    }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const { vector } = await import('@electric-sql/pglite-pgvector')
  const db = await PGlite.create({ extensions: { vector } })
  const vx = await createClient({ pglite: db }, { schema: b.schema })
  return {
    vx,
    query: async <R>(text: string, params?: unknown[]) => (await db.query<R>(text, params)).rows,
    close: async () => {
      await vx.disconnect()
      await db.close()
    },
  }
}

/** A quoted identifier, for the hand-written DDL below. */
function q(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

interface ColumnRow {
  name: string
  type: string
  notNull: boolean
  default: string | null
}

const COLUMNS = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS default
  FROM pg_attribute a
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass
    AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attnum`

const PRIMARY_KEY = `
  SELECT a.attname AS name
  FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
  WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary`

const INDEXES = `
  SELECT indexname AS name, indexdef AS def FROM pg_indexes
  WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`

/** Python vecs' own lookup of a collection's vector index (`Collection.index`), for our schema. */
const PYTHON_INDEX_LOOKUP = `
  select pi.relname as index_name
  from pg_class pi
    join pg_index i on pi.oid = i.indexrelid
    join pg_class pt on pt.oid = i.indrelid
  where pi.relnamespace = $1::regnamespace
    and pi.relname ilike 'ix_vector%'
    and pi.relkind = 'i'
    and pt.relname = $2`

describeEachBackend('compat with Python vecs', (b) => {
  let raw: Raw

  before(async () => {
    raw = await openRaw(b)
  })

  after(async () => {
    await raw.close()
  })

  async function pythonIndexNames(table: string): Promise<string[]> {
    const rows = await raw.query<{ index_name: string }>(PYTHON_INDEX_LOOKUP, [b.schema, table])
    return rows.map((r) => r.index_name)
  }

  /** Creates a table the way Python vecs does, with rows inserted as plain SQL text. */
  async function createPythonTable(name: string): Promise<void> {
    const table = `${q(b.schema)}.${q(name)}`
    await raw.query(`CREATE TABLE ${table} (
      id varchar PRIMARY KEY,
      vec vector(3) NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb)`)
    await raw.query(
      `CREATE INDEX ix_meta_${name.slice(-7)} ON ${table} USING gin (metadata jsonb_path_ops)`,
    )
    await raw.query(`INSERT INTO ${table} (id, vec, metadata) VALUES
      ('a', '[1,2,3]', '{"year": 1990, "tags": ["x"]}'),
      ('b', '[3,2,1]', '{"year": 2020}'),
      ('c', '[1,0,0]', DEFAULT)`)
  }

  test('a new collection has exactly the Python vecs columns', async () => {
    await raw.vx.getOrCreateCollection('x', { dimension: 3 })
    assert.deepEqual(await raw.query<ColumnRow>(COLUMNS, [b.schema, 'x']), [
      { name: 'id', type: 'character varying', notNull: true, default: null },
      { name: 'vec', type: 'vector(3)', notNull: true, default: null },
      { name: 'metadata', type: 'jsonb', notNull: true, default: "'{}'::jsonb" },
    ])
    assert.deepEqual(await raw.query(PRIMARY_KEY, [b.schema, 'x']), [{ name: 'id' }])
  })

  test('a new collection has a GIN index on metadata with jsonb_path_ops', async () => {
    await raw.vx.getOrCreateCollection('x', { dimension: 3 })
    const indexes = await raw.query<{ name: string; def: string }>(INDEXES, [b.schema, 'x'])
    assert.equal(indexes.length, 2, 'the primary key and the metadata index')
    const gin = indexes.find((ix) => ix.name !== 'x_pkey')
    assert.ok(gin, 'a metadata index')
    assert.match(gin.name, /^ix_meta_[0-9a-f]{7}$/)
    assert.match(gin.def, / USING gin \(metadata jsonb_path_ops\)$/)
  })

  test('a table made as Python vecs makes it is listed and opened with its dimension', async () => {
    await createPythonTable('py_list')
    const listed = (await raw.vx.listCollections()).find((c) => c.name === 'py_list')
    assert.ok(listed, 'listed')
    assert.equal(listed.dimension, 3)
    const c = await raw.vx.getCollection('py_list')
    assert.equal(c.dimension, 3)
    assert.equal(c.type, 'vector')
    assert.equal(String(c), 'vecs.Collection(name="py_list", dimension=3)')
    assert.equal((await raw.vx.getOrCreateCollection('py_list', { dimension: 3 })).dimension, 3)
    await assert.rejects(
      raw.vx.getOrCreateCollection('py_list', { dimension: 4 }),
      MismatchedDimension,
    )
  })

  test('rows written by Python vecs are fetched, counted and queried by vecs', async () => {
    await createPythonTable('py_rows')
    const c = await raw.vx.getCollection('py_rows')
    assert.equal(await c.count(), 3)
    assert.deepEqual(await c.fetch(['a', 'b', 'c']), [
      { id: 'a', vector: [1, 2, 3], metadata: { year: 1990, tags: ['x'] } },
      { id: 'b', vector: [3, 2, 1], metadata: { year: 2020 } },
      { id: 'c', vector: [1, 0, 0], metadata: {} },
    ])
    assert.deepEqual(await c.query({ data: [1, 2, 3], limit: 1 }), ['a'])
    assert.deepEqual(await c.query({ data: [1, 2, 3], filters: { year: { $gt: 2000 } } }), ['b'])
    assert.deepEqual(await c.query({ data: [1, 2, 3], filters: { tags: { $contains: 'x' } } }), [
      'a',
    ])
    assert.deepEqual(await c.delete({ filters: { year: 1990 } }), ['a'])
  })

  test('rows written by vecs read back as plain SQL', async () => {
    await createPythonTable('py_write')
    const c = await raw.vx.getCollection('py_write')
    await c.upsert([['d', [0.5, 0.25, -1], { from: 'ts' }]])
    const table = `${q(b.schema)}.${q('py_write')}`
    const rows = await raw.query(
      `SELECT id, vec::text AS vec, metadata FROM ${table} WHERE id = 'd'`,
    )
    assert.deepEqual(rows, [{ id: 'd', vec: '[0.5,0.25,-1]', metadata: { from: 'ts' } }])
  })

  test('an HNSW index is named as Python vecs names it and found by its lookup', async () => {
    const c = await raw.vx.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await c.upsert([
      ['a', [1, 2, 3]],
      ['b', [3, 2, 1]],
    ])
    await c.createIndex()
    const index = await c.getIndex()
    assert.ok(index, 'an index')
    assert.match(index.name, /^ix_vector_cosine_ops_hnsw_m16_efc64_[0-9a-f]{7}$/)
    assert.deepEqual(await pythonIndexNames(c.name), [index.name])
    await c.createIndex({
      method: 'hnsw',
      indexArguments: IndexArgsHNSW({ m: 8, efConstruction: 32 }),
    })
    const replaced = await c.getIndex()
    assert.match(replaced?.name ?? '', /^ix_vector_cosine_ops_hnsw_m8_efc32_[0-9a-f]{7}$/)
    assert.deepEqual(await pythonIndexNames(c.name), [replaced?.name])
  })

  test('an IVFFlat index is named as Python vecs names it and found by its lookup', async () => {
    const c = await raw.vx.getOrCreateCollection(b.uniqueName(), { dimension: 3 })
    await c.upsert([
      ['a', [1, 2, 3]],
      ['b', [3, 2, 1]],
      ['c', [1, 0, 0]],
    ])
    await c.createIndex({
      method: 'ivfflat',
      measure: 'l2_distance',
      indexArguments: IndexArgsIVFFlat({ nLists: 3 }),
    })
    const index = await c.getIndex()
    assert.ok(index, 'an index')
    assert.match(index.name, /^ix_vector_l2_ops_ivfflat_nl3_[0-9a-f]{7}$/)
    const found = await pythonIndexNames(c.name)
    assert.deepEqual(found, [index.name])
    // Python's is_indexed_for_measure: the measure's ops class appears in the index name.
    assert.ok(found[0]?.includes('vector_l2_ops'))
  })

  test('an index made by Python vecs is read by vecs', async () => {
    await createPythonTable('py_hnsw')
    const table = `${q(b.schema)}.${q('py_hnsw')}`
    await raw.query(`CREATE INDEX ix_vector_ip_ops_hnsw_m16_efc64_1a2b3c4 ON ${table}
      USING hnsw (vec vector_ip_ops) WITH (m = 16, ef_construction = 64)`)
    const c = await raw.vx.getCollection('py_hnsw')
    assert.deepEqual(await c.getIndex(), {
      name: 'ix_vector_ip_ops_hnsw_m16_efc64_1a2b3c4',
      method: 'hnsw',
      measure: 'max_inner_product',
      quantization: 'none',
      m: 16,
      efConstruction: 64,
    })
    assert.equal(await c.isIndexedForMeasure('max_inner_product'), true)
    assert.equal(await c.isIndexedForMeasure('cosine_distance'), false)
  })

  test('tables starting with _ or without a vec column are not collections', async () => {
    const s = q(b.schema)
    await raw.query(`CREATE TABLE ${s}."_hidden" (
      id varchar PRIMARY KEY, vec vector(3) NOT NULL, metadata jsonb NOT NULL DEFAULT '{}'::jsonb)`)
    await raw.query(`CREATE TABLE ${s}."novec" (
      id varchar PRIMARY KEY, embedding vector(3) NOT NULL, metadata jsonb NOT NULL DEFAULT '{}'::jsonb)`)
    await raw.query(
      `CREATE TABLE ${s}."textvec" (id varchar PRIMARY KEY, vec text, metadata jsonb)`,
    )
    await raw.query(`CREATE VIEW ${s}."aview" AS SELECT * FROM ${s}."_hidden"`)
    await raw.vx.getOrCreateCollection('real_one', { dimension: 3 })
    const names = (await raw.vx.listCollections()).map((c) => c.name)
    assert.ok(names.includes('real_one'))
    for (const other of ['_hidden', 'novec', 'textvec', 'aview']) {
      assert.ok(!names.includes(other), `${other} is not listed`)
    }
    await assert.rejects(raw.vx.getCollection('novec'), CollectionNotFound)
    await assert.rejects(raw.vx.getCollection('aview'), CollectionNotFound)
    await assert.rejects(raw.vx.getCollection('_hidden'), ArgError)
  })

  test("type: 'halfvec' creates a vec halfvec(3) column", async () => {
    const name = b.uniqueName('half')
    const c = await raw.vx.getOrCreateCollection(name, { dimension: 3, type: 'halfvec' })
    assert.equal(c.type, 'halfvec')
    const columns = await raw.query<ColumnRow>(COLUMNS, [b.schema, name])
    assert.deepEqual(
      columns.map((col) => [col.name, col.type, col.notNull]),
      [
        ['id', 'character varying', true],
        ['vec', 'halfvec(3)', true],
        ['metadata', 'jsonb', true],
      ],
    )
    const reopened = await raw.vx.getCollection(name)
    assert.deepEqual([reopened.type, reopened.dimension], ['halfvec', 3])
    await c.upsert([
      ['a', [1, 0.5, 0.25]],
      ['b', [-1, 0, 0]],
    ])
    assert.deepEqual(await c.fetch(['a']), [{ id: 'a', vector: [1, 0.5, 0.25], metadata: {} }])
    assert.deepEqual(await c.query({ data: [1, 0.5, 0.3], limit: 1 }), ['a'])
    // halfvec indexes use the halfvec ops classes; Python vecs (no halfvec) would not look for them.
    await c.createIndex()
    assert.match(
      (await c.getIndex())?.name ?? '',
      /^ix_halfvec_cosine_ops_hnsw_m16_efc64_[0-9a-f]{7}$/,
    )
  })
})
