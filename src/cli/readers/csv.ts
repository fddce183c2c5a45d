import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'
import { ArgError, type Metadata } from '../../index.js'
import type { ReadPosition, ReadRecord } from './source.js'

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * CSV with a header row: `id`, `vector` (a JSON array), optionally `metadata` (a JSON object);
 * any other column becomes a metadata field (numbers as numbers). Streamed.
 */
export async function* readCsv(path: string, position: ReadPosition): AsyncGenerator<ReadRecord> {
  const parser = createReadStream(path).pipe(
    parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }),
  )
  let checked = false
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    if (!checked) checkHeader(Object.keys(row))
    checked = true
    position.bytes = parser.info.bytes
    yield parseRow(row, `line ${parser.info.lines}`)
  }
}

function checkHeader(columns: string[]): void {
  for (const needed of ['id', 'vector']) {
    if (!columns.includes(needed))
      throw new ArgError(
        `CSV header must have an "${needed}" column (it has: ${columns.join(', ')})`,
      )
  }
}

function parseRow(row: Record<string, string>, where: string): ReadRecord {
  const { id, vector, metadata, ...fields } = row
  const parsedVector = parseJson(vector ?? '', where, 'vector')
  if (!Array.isArray(parsedVector))
    throw new ArgError(`${where}: "vector" must be a JSON array of numbers`)
  const base = metadata ? parseJson(metadata, where, 'metadata') : {}
  if (typeof base !== 'object' || base === null || Array.isArray(base))
    throw new ArgError(`${where}: "metadata" must be a JSON object`)
  const extra = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, NUMBER.test(value) ? Number(value) : value]),
  )
  return {
    where,
    id: id ?? '',
    vector: parsedVector as number[],
    metadata: { ...base, ...extra } as Metadata,
  }
}

function parseJson(text: string, where: string, column: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ArgError(`${where}: "${column}" is not valid JSON`)
  }
}
