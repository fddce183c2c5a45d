import type { Backend } from '../backend/backend.js'
import { textFromBase64url, textToBase64url } from '../base64url.js'
import { checkInteger, checkKeys, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import { compileFilter } from '../filter/compile.js'
import { parseFilter } from '../filter/parse.js'
import { recordFromRow } from './stored.js'
import { execute } from '../sql/execute.js'
import { ident, type Fragment } from '../sql/fragment.js'
import { countWhere, selectPage } from '../sql/pages.js'
import { selectByIds, selectSample } from '../sql/rows.js'
import type { TableRef } from '../sql/tables.js'
import type { CountOptions, FetchedRecord, ListOptions, Page, ScanOptions } from '../types.js'
import { checkIds } from './parts.js'

type StoredRow = { id: string; vec: string; metadata: string }

const SAMPLE_MAX = 100_000
/** Records a page holds at most, and by default. */
export const PAGE_MAX = 10_000
const PAGE_DEFAULT = 100

/** The records with these ids, in the order asked; missing ids are skipped. */
export async function fetchRecords(
  db: Backend,
  table: TableRef,
  ids: readonly string[],
): Promise<FetchedRecord[]> {
  const wanted = checkIds(ids)
  if (wanted.length === 0) return []
  const rows = await execute<StoredRow>(db, selectByIds(table, wanted))
  const byId = new Map(rows.map((row) => [row.id, row]))
  return [...new Set(wanted)].flatMap((id) => {
    const row = byId.get(id)
    return row ? [recordFromRow(row)] : []
  })
}

/** Up to `n` records in an order fixed by `seed`. */
export async function sampleRecords(
  db: Backend,
  table: TableRef,
  n: number,
  seed: unknown,
): Promise<FetchedRecord[]> {
  checkInteger('sample size', n, { min: 1, max: SAMPLE_MAX })
  if (typeof seed !== 'string') throw new ArgError('seed must be a string')
  const rows = await execute<StoredRow>(db, selectSample(table, n, seed))
  return rows.map(recordFromRow)
}

/** How many records match `filters` (all of them without). */
export async function countRecords(
  db: Backend,
  table: TableRef,
  options: unknown,
): Promise<number> {
  const { filters } = optionsObject('count', options, COUNT_KEYS)
  const [row] = await execute<{ count: number }>(db, countWhere(table, condition(filters)))
  return row?.count ?? 0
}

/**
 * A page of the records that match `filters`, in id order, after `cursor` (a page's own cursor;
 * none for the first page). The cursor is the page's last id, encoded: paging resumes after it,
 * whatever was written meanwhile.
 */
export async function listRecords(
  db: Backend,
  table: TableRef,
  options: unknown,
): Promise<Page<FetchedRecord>> {
  const given = optionsObject('list', options, LIST_KEYS)
  const limit = given.limit === undefined ? PAGE_DEFAULT : given.limit
  checkInteger('list limit', limit, { min: 1, max: PAGE_MAX })
  const after = given.cursor === undefined || given.cursor === null ? null : decode(given.cursor)
  const records = await readPage(db, table, condition(given.filters), after, limit as number)
  const last = records[records.length - 1]
  return { records, cursor: records.length < (limit as number) || !last ? null : encode(last.id) }
}

/** Up to `limit` records `where` matches (null: all), in id order, after the id `after`. */
async function readPage(
  db: Backend,
  table: TableRef,
  where: Fragment | null,
  after: string | null,
  limit: number,
): Promise<FetchedRecord[]> {
  return (await execute<StoredRow>(db, selectPage(table, where, after, limit))).map(recordFromRow)
}

/**
 * Every page of records (those `filters` matches), `pageSize` records each (1..10000, default
 * 100), in id order: what `list` reads page after page, the filter compiled once.
 */
export async function* scanPages(
  db: Backend,
  table: TableRef,
  options: unknown,
): AsyncGenerator<FetchedRecord[]> {
  const { pageSize, filters } = optionsObject('scan', options, SCAN_KEYS)
  const limit = pageSize === undefined ? PAGE_DEFAULT : pageSize
  checkInteger('scan pageSize', limit, { min: 1, max: PAGE_MAX })
  // The filter is compiled once; each page resumes after the last id of the one before.
  const where = condition(filters)
  let after: string | null = null
  for (;;) {
    const records = await readPage(db, table, where, after, limit as number)
    if (records.length > 0) yield records
    if (records.length < (limit as number)) return
    after = (records[records.length - 1] as FetchedRecord).id
  }
}

function condition(filters: unknown) {
  const filter = filters === undefined ? null : parseFilter(filters)
  return filter === null ? null : compileFilter(filter, ident('metadata'))
}

const COUNT_KEYS = optionKeys<CountOptions>()({ filters: true, fromPrimary: true })
const LIST_KEYS = optionKeys<ListOptions>()({ filters: true, limit: true, cursor: true })
const SCAN_KEYS = optionKeys<ScanOptions>()({ filters: true, pageSize: true })

function optionsObject(
  call: string,
  options: unknown,
  keys: ReadonlySet<string>,
): Record<string, unknown> {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ArgError(`${call} takes an options object`)
  checkKeys(call, options, keys)
  return options as Record<string, unknown>
}

const CURSOR_PREFIX = 'v1.'

function encode(id: string): string {
  return CURSOR_PREFIX + textToBase64url(id)
}

function decode(cursor: unknown): string {
  if (typeof cursor !== 'string' || !cursor.startsWith(CURSOR_PREFIX))
    throw new ArgError('cursor must be the cursor of a page list() returned')
  return textFromBase64url(cursor.slice(CURSOR_PREFIX.length))
}
