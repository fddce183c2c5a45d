import type { EncodedRow } from '../sql/rows.js'

/**
 * PostgreSQL's binary COPY format for `([seq int8,] id varchar, vec vector, metadata jsonb)`: a
 * signature header, one tuple per row (field count, then length-prefixed fields in each type's
 * binary form), and a -1 trailer. The vector field is pgvector's binary form as `vectorToBinary`
 * writes it; jsonb's binary form is a version byte (1) and the JSON text. With `firstSeq` null the
 * seq column is left out (a COPY straight into a collection).
 */
export function copyStream(rows: readonly EncodedRow[], firstSeq: number | null): Buffer[] {
  const tuples = rows.map((row, i) => copyTuple(row, firstSeq === null ? null : firstSeq + i))
  return [COPY_HEADER, ...tuples, COPY_TRAILER]
}

const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)])
const COPY_TRAILER = Buffer.from([0xff, 0xff])

function copyTuple(row: EncodedRow, seq: number | null): Buffer {
  const id = Buffer.from(row.id, 'utf8')
  const metadata = Buffer.from(row.metadata, 'utf8')
  const seqBytes = seq === null ? 0 : 4 + 8
  const out = Buffer.allocUnsafe(
    2 + seqBytes + (4 + id.length) + (4 + row.vec.length) + (4 + 1 + metadata.length),
  )
  let at = out.writeInt16BE(seq === null ? 3 : 4, 0)
  if (seq !== null) {
    at = out.writeInt32BE(8, at)
    at = out.writeBigInt64BE(BigInt(seq), at)
  }
  at = out.writeInt32BE(id.length, at)
  at += id.copy(out, at)
  at = out.writeInt32BE(row.vec.length, at)
  out.set(row.vec, at)
  at += row.vec.length
  at = out.writeInt32BE(1 + metadata.length, at)
  at = out.writeUInt8(1, at)
  metadata.copy(out, at)
  return out
}
