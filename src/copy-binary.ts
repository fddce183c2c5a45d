import type { EncodedRow } from './sql/statements.js'

/**
 * PostgreSQL's binary COPY format for the staging table `(seq int8, id varchar, vec vector,
 * metadata jsonb)`: a signature header, one tuple per row (field count, then length-prefixed
 * fields in each type's binary form), and a -1 trailer. The vector field is pgvector's binary form
 * as `vectorToBinary` writes it; jsonb's binary form is a version byte (1) and the JSON text.
 */
export function copyStream(rows: readonly EncodedRow[], firstSeq: number): Buffer[] {
  return [COPY_HEADER, ...rows.map((row, i) => copyTuple(row, firstSeq + i)), COPY_TRAILER]
}

const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)])
const COPY_TRAILER = Buffer.from([0xff, 0xff])

function copyTuple(row: EncodedRow, seq: number): Buffer {
  const id = Buffer.from(row.id, 'utf8')
  const metadata = Buffer.from(row.metadata, 'utf8')
  const out = Buffer.allocUnsafe(
    2 + (4 + 8) + (4 + id.length) + (4 + row.vec.length) + (4 + 1 + metadata.length),
  )
  let at = out.writeInt16BE(4, 0)
  at = out.writeInt32BE(8, at)
  at = out.writeBigInt64BE(BigInt(seq), at)
  at = out.writeInt32BE(id.length, at)
  at += id.copy(out, at)
  at = out.writeInt32BE(row.vec.length, at)
  at += row.vec.copy(out, at)
  at = out.writeInt32BE(1 + metadata.length, at)
  at = out.writeUInt8(1, at)
  metadata.copy(out, at)
  return out
}
