import type { EncodedRow } from '../sql/rows.js'
import { utf8Length } from '../utf8.js'

/**
 * PostgreSQL's binary COPY format for `([seq int8,] id varchar, vec vector, metadata jsonb)`: a
 * signature header, one tuple per row (field count, then length-prefixed fields in each type's
 * binary form), and a -1 trailer. The vector field is pgvector's binary form as `vectorToBinary`
 * writes it; jsonb's binary form is a version byte (1) and the JSON text. With `firstSeq` null the
 * seq column is left out (a COPY straight into a collection).
 */
export function copyStream(rows: readonly EncodedRow[], firstSeq: number | null): Uint8Array[] {
  const tuples = rows.map((row, i) => copyTuple(row, firstSeq === null ? null : firstSeq + i))
  return [COPY_HEADER, ...tuples, COPY_TRAILER]
}

/** The signature `PGCOPY\n\xff\r\n\0`, then two int32 zeros: flags and header-extension length. */
const COPY_HEADER = Uint8Array.from(`PGCOPY\n\xff\r\n\0${'\0'.repeat(8)}`, (c) => c.charCodeAt(0))
const COPY_TRAILER = Uint8Array.of(0xff, 0xff)

const encoder = new TextEncoder()

/** One tuple, written into one array of its exact size (this runs per row of a bulk load). */
function copyTuple(row: EncodedRow, seq: number | null): Uint8Array {
  const idBytes = utf8Length(row.id)
  const metadataBytes = utf8Length(row.metadata)
  const seqBytes = seq === null ? 0 : 4 + 8
  const out = new Uint8Array(
    2 + seqBytes + (4 + idBytes) + (4 + row.vec.length) + (4 + 1 + metadataBytes),
  )
  const view = new DataView(out.buffer)
  view.setInt16(0, seq === null ? 3 : 4)
  let at = 2
  if (seq !== null) {
    view.setInt32(at, 8)
    // The int8 as two 32-bit halves (exact for any safe integer), sparing a BigInt per row.
    view.setUint32(at + 4, Math.floor(seq / 2 ** 32))
    view.setUint32(at + 8, seq % 2 ** 32)
    at += seqBytes
  }
  view.setInt32(at, idBytes)
  encoder.encodeInto(row.id, out.subarray(at + 4))
  at += 4 + idBytes
  view.setInt32(at, row.vec.length)
  out.set(row.vec, at + 4)
  at += 4 + row.vec.length
  view.setInt32(at, 1 + metadataBytes)
  out[at + 4] = 1
  encoder.encodeInto(row.metadata, out.subarray(at + 5))
  return out
}
