import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { ArgError } from '../../index.js'
import type { ReadPosition, ReadRecord } from './source.js'

/** Rows of fixed width in a binary file: little-endian float32 or float64, row after row. */
export interface BinaryLayout {
  /** Where the first row starts (after an .npy header, say). */
  readonly offset: number
  readonly rows: number
  readonly dimension: number
  readonly bytesPerValue: 4 | 8
}

/**
 * Streams rows as float32 vectors. Ids come line by line from `idsPath` in the same order, or
 * are the row numbers (0, 1, …) without one; the ids must be exactly as many as the rows.
 */
export async function* readBinary(
  path: string,
  layout: BinaryLayout,
  idsPath: string | undefined,
  position: ReadPosition,
): AsyncGenerator<ReadRecord> {
  const ids = idsPath === undefined ? null : idLines(idsPath)
  const rowBytes = layout.dimension * layout.bytesPerValue
  let row = 0
  for await (const bytes of fixedRows(path, layout.offset, rowBytes, position)) {
    const id = ids === null ? String(row) : await nextId(ids, row)
    yield { where: `row ${row}`, id, vector: toVector(bytes, layout.bytesPerValue), metadata: {} }
    row++
  }
  if (row !== layout.rows) throw new ArgError(`expected ${layout.rows} rows, read ${row}`)
  if (ids !== null && !(await ids.next()).done)
    throw new ArgError(`the ids file has more lines than the ${row} rows`)
}

async function* fixedRows(
  path: string,
  offset: number,
  rowBytes: number,
  position: ReadPosition,
): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0)
  for await (const chunk of createReadStream(path, { start: offset }) as AsyncIterable<Buffer>) {
    position.bytes += chunk.length
    const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    let at = 0
    for (; at + rowBytes <= data.length; at += rowBytes) yield data.subarray(at, at + rowBytes)
    pending = Buffer.from(data.subarray(at))
  }
  if (pending.length > 0) throw new ArgError('the file ends in the middle of a row')
}

function toVector(bytes: Buffer, bytesPerValue: 4 | 8): Float32Array {
  // Copy out: a row inside a chunk need not be aligned for a typed array view.
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)
  return bytesPerValue === 4 ? new Float32Array(copy) : Float32Array.from(new Float64Array(copy))
}

function idLines(path: string): AsyncIterator<string> {
  return createInterface({ input: createReadStream(path), crlfDelay: Infinity })[
    Symbol.asyncIterator
  ]()
}

async function nextId(ids: AsyncIterator<string>, row: number): Promise<string> {
  const next = await ids.next()
  if (next.done)
    throw new ArgError(`the ids file has fewer lines than the rows (ran out at row ${row})`)
  return next.value
}
