/**
 * Ways to load N rows, timed side by side: vecs' upsert, and the baselines written as their
 * authors write them. Every method loads the same rows (`v<i>`, the vector, `{ i }`).
 */
import { copyStream } from '../src/upsert/copy-binary.js'
import { vectorToBinary } from '../src/vector.js'
import type { Dataset } from './data.js'
import { SCHEMA, type BenchBackend } from './drivers.js'

export type IngestMethod = (b: BenchBackend, data: Dataset, table: string) => Promise<void>

const text = (v: Float32Array) => `[${Array.from(v).join(',')}]`
const qualified = (table: string) => `${SCHEMA}."${table}"`
const layout = (d: number) =>
  `(id varchar PRIMARY KEY, vec vector(${d}) NOT NULL, metadata jsonb NOT NULL DEFAULT '{}')`

export const INGEST_METHODS: Record<string, IngestMethod> = {
  /** vecs: one upsert call, atomic, streamed by binary COPY into a staging table, merged in id order. */
  'vecs upsert': async (b, data, table) => {
    const c = await b.vecs.getOrCreateCollection(table, { dimension: data.dimension })
    await c.upsert(data.vectors.map((v, i) => [`v${i}`, v, { i }]))
  },

  /** The floor: binary COPY into a plain table with no primary key, no upsert, no index. */
  'raw binary COPY': async (b, data, table) => {
    await b.raw.query(
      `CREATE TABLE ${qualified(table)} (seq int8, id varchar, vec vector(${data.dimension}), metadata jsonb)`,
    )
    for (let at = 0; at < data.vectors.length; at += 2000) {
      const rows = data.vectors.slice(at, at + 2000).map((v, k) => ({
        id: `v${at + k}`,
        vec: vectorToBinary(v),
        metadata: JSON.stringify({ i: at + k }),
      }))
      await b.raw.copyBinary(`${qualified(table)} (seq, id, vec, metadata)`, copyStream(rows, at))
    }
  },

  /** Python vecs: 500-row INSERT … ON CONFLICT DO UPDATE statements, vectors as text, one transaction. */
  'Python vecs pattern': async (b, data, table) => {
    await b.raw.query(`CREATE TABLE ${qualified(table)} ${layout(data.dimension)}`)
    await b.raw.query('BEGIN')
    for (const { sql, values } of valueChunks(data, table, 500)) {
      await b.raw.query(
        `${sql} ON CONFLICT (id) DO UPDATE SET vec = EXCLUDED.vec, metadata = EXCLUDED.metadata`,
        values,
      )
    }
    await b.raw.query('COMMIT')
  },

  /** LangChain.js PGVectorStore: a text INSERT per 500-row chunk, each committing on its own. */
  'LangChain.js pattern': async (b, data, table) => {
    await b.raw.query(`CREATE TABLE ${qualified(table)} ${layout(data.dimension)}`)
    for (const { sql, values } of valueChunks(data, table, 500)) await b.raw.query(sql, values)
  },

  /** One text `unnest` INSERT per 2000 rows in one transaction: the usual fast text path. */
  'text unnest INSERT': async (b, data, table) => {
    await b.raw.query(`CREATE TABLE ${qualified(table)} ${layout(data.dimension)}`)
    await b.raw.query('BEGIN')
    for (let at = 0; at < data.vectors.length; at += 2000) {
      const chunk = data.vectors.slice(at, at + 2000)
      await b.raw.query(
        `INSERT INTO ${qualified(table)} (id, vec, metadata)
         SELECT * FROM unnest($1::varchar[], $2::vector[], $3::jsonb[])
         ON CONFLICT (id) DO UPDATE SET vec = EXCLUDED.vec, metadata = EXCLUDED.metadata`,
        [
          chunk.map((_, k) => `v${at + k}`),
          chunk.map(text),
          chunk.map((_, k) => JSON.stringify({ i: at + k })),
        ],
      )
    }
    await b.raw.query('COMMIT')
  },
}

function* valueChunks(data: Dataset, table: string, size: number) {
  for (let at = 0; at < data.vectors.length; at += size) {
    const chunk = data.vectors.slice(at, at + size)
    const values = chunk.flatMap((v, k) => [`v${at + k}`, text(v), JSON.stringify({ i: at + k })])
    const tuples = chunk.map(
      (_, k) => `($${3 * k + 1}, $${3 * k + 2}::vector, $${3 * k + 3}::jsonb)`,
    )
    yield {
      sql: `INSERT INTO ${qualified(table)} (id, vec, metadata) VALUES ${tuples.join(', ')}`,
      values,
    }
  }
}
