import type { Backend, Queryable } from '../backend/backend.js'
import { checkKeys, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import { randomHex } from '../random-hex.js'
import { execute } from '../sql/execute.js'
import { commentOnIndex, dropIndex } from '../sql/indexes.js'
import { lockCollection, type TableRef } from '../sql/tables.js'
import {
  createTextIndex,
  TEXT_INDEX_PREFIX,
  textConfigs,
  textIndexes,
  type TextSource,
} from '../sql/text.js'
import type { TextIndexInfo, TextIndexOptions } from '../text-types.js'

const TEXT_INDEX_KEYS = optionKeys<TextIndexOptions>()({ key: true, language: true })

/** Letters, digits, `_`, `.`, `-`: the key and language are written into DDL as literals. */
const KEY = /^[A-Za-z0-9_.-]{1,63}$/
const LANGUAGE = /^[A-Za-z0-9_]{1,63}$/

/** `{ key = 'text', language = 'english' }`, checked before any SQL. */
export function checkTextIndexOptions(options: unknown): TextSource {
  if (options === undefined) options = {}
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ArgError('createTextIndex takes an options object: { key?, language? }')
  checkKeys('createTextIndex', options, TEXT_INDEX_KEYS)
  const { key = 'text', language = 'english' } = options as TextIndexOptions
  if (typeof key !== 'string' || !KEY.test(key) || key.includes('--'))
    throw new ArgError(
      'key must be a metadata key of 1 to 63 letters, digits, "_", "." or "-" (it is written into the index definition)',
    )
  if (typeof language !== 'string' || !LANGUAGE.test(language))
    throw new ArgError('language must be the name of a text search configuration, such as english')
  return { key, language }
}

/**
 * Builds the collection's text index (one per collection; an earlier one is replaced): a GIN index
 * on the `tsvector` of a metadata key, in one transaction, so that a failure leaves the earlier
 * index as it was. Its key and language are kept in the index's comment.
 */
export async function buildTextIndex(
  db: Backend,
  table: TableRef,
  source: TextSource,
): Promise<TextIndexInfo> {
  const name = `${TEXT_INDEX_PREFIX}${randomHex(7)}`
  await db.transaction(async (tx) => {
    const names = (await execute<{ name: string }>(tx, textConfigs())).map((r) => r.name)
    if (!names.includes(source.language)) {
      throw new ArgError(
        `language "${source.language}" is not a text search configuration here; this server has: ${names.join(', ')}`,
      )
    }
    await execute(tx, lockCollection(table))
    await dropTextIndexes(tx, table)
    await execute(tx, createTextIndex(table, name, source))
    await execute(tx, commentOnIndex(table, name, formatTextNote(source)))
  })
  return { name, ...source }
}

/** The collection's text index and its size on disk, or null. */
export async function readTextIndex(
  db: Queryable,
  table: TableRef,
): Promise<(TextIndexInfo & { bytes: number }) | null> {
  const rows = await execute<{ name: string; note: string | null; bytes: string }>(
    db,
    textIndexes(table),
  )
  for (const row of rows) {
    const source = parseTextNote(row.note)
    if (source !== null) return { name: row.name, ...source, bytes: Number(row.bytes) }
  }
  return null
}

/** Drops the collection's text index; false when it had none. */
export async function dropTextIndex(db: Backend, table: TableRef): Promise<boolean> {
  return db.transaction(async (tx) => (await dropTextIndexes(tx, table)) > 0)
}

/** Drops every text index of the collection in `tx`; how many there were. */
async function dropTextIndexes(tx: Queryable, table: TableRef): Promise<number> {
  const rows = await execute<{ name: string }>(tx, textIndexes(table))
  for (const row of rows) await execute(tx, dropIndex(table, row.name))
  return rows.length
}

function formatTextNote(source: TextSource): string {
  return `vecs text key=${source.key} language=${source.language}`
}

function parseTextNote(note: string | null): TextSource | null {
  const match = /^vecs text key=(\S+) language=(\S+)$/.exec(note ?? '')
  return match === null ? null : { key: match[1]!, language: match[2]! }
}
