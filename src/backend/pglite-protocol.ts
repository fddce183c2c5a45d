import { protocol } from '@electric-sql/pglite'
import type { PGliteLike, SqlClient } from './backend.js'
import { parserFor } from './pglite-types.js'

/**
 * A statement client over PGlite's in-process wire protocol, with no driver between: the Parse,
 * Bind, Describe, Execute and Sync of one statement go to PGlite as one message, and what comes
 * back is read into rows. It speaks as node-postgres does on a server, so that everything above
 * `backend/` sees the same values on both backends: parameters in text, except byte arrays, which
 * travel in binary (vectors, see vector.ts); results in text, read by the parsers of
 * pglite-types.ts; statements without parameters by the simple query protocol, which runs several
 * at once. It takes no lock (see `exclusiveOn` in pglite.ts) and works where PGlite does: Node and
 * the browser alike.
 */
export function pgliteProtocol(pglite: PGliteLike): SqlClient {
  return {
    async query(text: string, values: readonly unknown[] = []) {
      const message = values.length === 0 ? protocol.serialize.query(text) : extended(text, values)
      let replies: readonly Reply[]
      try {
        replies = (await pglite.execProtocolStream(message, { throwOnError: false })) as Reply[]
      } catch (error) {
        // Not an error of the statement (that is a reply): the instance itself failed.
        throw new InstanceFault(error)
      }
      return { rows: rowsOf(replies) }
    },
  }
}

/** PGlite threw rather than replied: the WASM module stopped (see pglite-faults.ts). */
export class InstanceFault extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'InstanceFault'
  }
}

function extended(text: string, values: readonly unknown[]): Uint8Array {
  const parts = [
    protocol.serialize.parse({ text }),
    protocol.serialize.bind({ values: values.map(parameter) }),
    protocol.serialize.describe({ type: 'P' }),
    protocol.serialize.execute(),
    protocol.serialize.sync(),
  ]
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

/**
 * A reply as PGlite parses it. vecs reads three: `rowDescription` (its fields are columns: name,
 * dataTypeID), `dataRow` (its fields are text or null) and `error`; it skips the rest (parse and
 * bind complete, ready for query…).
 */
interface Reply {
  readonly name: string
  readonly fields?: readonly unknown[]
}

/**
 * The rows of the last statement that returned any, or the statement's error. After an error the
 * server skips the rest of the message up to Sync, so the session is ready for the next.
 */
function rowsOf(replies: readonly Reply[]): Record<string, unknown>[] {
  let columns: { name: string; parse: (text: string) => unknown }[] = []
  let rows: Record<string, unknown>[] = []
  for (const reply of replies) {
    if (reply.name === 'error') throw reply
    if (reply.name === 'rowDescription') {
      const fields = reply.fields as readonly { name: string; dataTypeID: number }[]
      columns = fields.map((f) => ({ name: f.name, parse: parserFor(f.dataTypeID) }))
      rows = []
    } else if (reply.name === 'dataRow') {
      const row: Record<string, unknown> = {}
      const texts = reply.fields as readonly (string | null)[]
      texts.forEach((text, i) => {
        const column = columns[i]!
        row[column.name] = text === null ? null : column.parse(text)
      })
      rows.push(row)
    }
  }
  return rows
}

/**
 * A parameter as node-postgres would send it: null, bytes in binary, and everything else as the
 * text PostgreSQL reads for it (arrays as array literals, objects as JSON).
 */
function parameter(value: unknown): string | Uint8Array | null {
  if (value === null || value === undefined) return null
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  }
  if (Array.isArray(value)) return arrayLiteral(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((value) => {
    if (value === null || value === undefined) return 'NULL'
    if (Array.isArray(value)) return arrayLiteral(value)
    const text = parameter(value)
    const plain = typeof text === 'string' ? text : `\\x${hex(text as Uint8Array)}`
    return `"${plain.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  })
  return `{${elements.join(',')}}`
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
