import { checkInteger } from './checks.js'
import { ArgError, MismatchedDimension } from './errors.js'
import { VECTOR_TYPES, type VectorType } from './types.js'

/** pgvector's own limit on the dimension of `vector` and `halfvec` columns. */
export const MAX_DIMENSION = 16000

/**
 * Checks a user vector against the collection's dimension and returns it as float32.
 * Wrong length → `MismatchedDimension`; NaN, ±Infinity, a value outside float32 range, or a
 * non-number → `ArgError`. Messages name positions, never values.
 */
export function toFloat32(vector: unknown, dimension: number): Float32Array {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector)) {
    throw new ArgError('a vector must be an array of numbers or a Float32Array')
  }
  if (vector.length !== dimension) {
    throw new MismatchedDimension(
      `expected a vector of ${dimension} dimensions, got ${vector.length}`,
    )
  }
  const out = vector instanceof Float32Array ? vector : Float32Array.from(vector, checkNumber)
  // A plain loop: this runs on every query, next to the database's own work.
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new ArgError(`vector values must be finite float32 numbers (position ${i} is not)`)
    }
  }
  return out
}

function checkNumber(x: unknown, i: number): number {
  if (typeof x !== 'number')
    throw new ArgError(`vector values must be numbers (position ${i} is not)`)
  return x
}

/** Checks a collection dimension: an integer 1..16000. */
export function checkDimension(dimension: unknown): number {
  return checkInteger('dimension', dimension, { min: 1, max: MAX_DIMENSION })
}

/** Checks a storage type name. */
export function checkVectorType(type: unknown): VectorType {
  if (!VECTOR_TYPES.includes(type as VectorType)) {
    throw new ArgError(`type must be one of ${VECTOR_TYPES.join(', ')}`)
  }
  return type as VectorType
}

/**
 * pgvector's binary form of a float32 vector (what `vector_recv` reads): int16 dimension, int16
 * unused, then big-endian float32 values. Sent as a Uint8Array parameter, node-postgres binds it in
 * binary format, which spares the server the text parser (many times slower, worst in PGlite).
 */
export function vectorToBinary(vector: Float32Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * vector.length)
  const view = new DataView(out.buffer)
  view.setInt16(0, vector.length)
  // DataView writes big-endian whatever the platform's order; a plain loop, as this runs per row.
  for (let i = 0; i < vector.length; i++) view.setFloat32(4 + 4 * i, vector[i] as number)
  return out
}

/**
 * pgvector's text form (`[1,0.5,-3e-05]`) of the binary form above. Each float32 is printed as the
 * double it widens to, in the fewest digits that read back as that double; `vector_in` reads them
 * as the same float32 again, so the server gets exactly the bytes (-0 included).
 */
export function binaryToText(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const values: string[] = []
  for (let i = 0; i < view.getInt16(0); i++) {
    const value = view.getFloat32(4 + 4 * i)
    values.push(Object.is(value, -0) ? '-0' : String(value))
  }
  return `[${values.join(',')}]`
}

/** Reads pgvector's text output (`[1,2.5,-3e-05]`, the same for `halfvec`). */
export function vectorFromText(text: string): number[] {
  const parsed: unknown = JSON.parse(text)
  if (!Array.isArray(parsed)) throw new TypeError('expected pgvector text output')
  return parsed as number[]
}
