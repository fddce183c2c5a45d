import { ArgError } from '../errors.js'
import { isPlainObject, isStorableText, MAX_JSON_DEPTH } from '../json.js'
import type { Metadata } from '../types.js'

/**
 * Checks metadata: a plain object of JSON values that jsonb can store, integers beyond 2^53 as
 * `bigint`. Refused: class instances (Date, Map), undefined, functions, symbols, non-finite
 * numbers, NUL characters, lone surrogates, cycles, and nesting deeper than `MAX_JSON_DEPTH`
 * (the walk stops there, so no depth overflows the stack).
 */
export function checkMetadata(metadata: unknown): Metadata {
  if (!isPlainObject(metadata)) throw new ArgError('metadata must be a plain JSON object')
  checkJson(metadata, 'metadata', new Set())
  return metadata as Metadata
}

// Paths name keys, never values; `seen` holds the containers above the current one (a cycle's depth
// is unbounded, so it is caught by `seen` before the depth check, with the clearer message).
function checkJson(value: unknown, path: string, seen: Set<object>): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'bigint') return
  if (typeof value === 'string') return checkText(value, path)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArgError(`${path} must be a finite number`)
    return
  }
  if (Array.isArray(value) || isPlainObject(value)) return checkContainer(value, path, seen)
  throw new ArgError(`${path} is not a JSON value (${describe(value)})`)
}

function checkContainer(value: object, path: string, seen: Set<object>): void {
  if (seen.has(value)) throw new ArgError(`${path} refers to itself`)
  if (seen.size >= MAX_JSON_DEPTH) {
    throw new ArgError(`metadata may nest at most ${MAX_JSON_DEPTH} levels of arrays and objects`)
  }
  seen.add(value)
  if (Array.isArray(value)) value.forEach((item, i) => checkJson(item, `${path}[${i}]`, seen))
  else {
    for (const [key, item] of Object.entries(value)) {
      checkText(key, `a key in ${path}`)
      checkJson(item, `${path}.${key}`, seen)
    }
  }
  seen.delete(value)
}

function checkText(text: string, path: string): void {
  if (!isStorableText(text)) {
    throw new ArgError(`${path} contains U+0000 or a lone surrogate, which jsonb cannot store`)
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object'
  return typeof value
}
