import { ArgError } from './errors.js'
import { utf8Length } from './utf8.js'

/** An integer option within bounds, else `ArgError` "`name` must be an integer from min to max". */
export function checkInteger(
  name: string,
  value: unknown,
  bounds: { readonly min: number; readonly max: number },
): number {
  if (
    !Number.isInteger(value) ||
    (value as number) < bounds.min ||
    (value as number) > bounds.max
  ) {
    throw new ArgError(`${name} must be an integer from ${bounds.min} to ${bounds.max}`)
  }
  return value as number
}

/** A finite number option, at least `min`, else `ArgError` "`name` must be a number of at least min". */
export function checkNumber(
  name: string,
  value: unknown,
  bounds: { readonly min: number },
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < bounds.min) {
    throw new ArgError(`${name} must be a number of at least ${bounds.min}`)
  }
  return value
}

/** A boolean option, `fallback` when not given, else `ArgError` "`name` must be a boolean". */
export function checkFlag(name: string, value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new ArgError(`${name} must be a boolean`)
  return value
}

/** A callback option: `undefined` when not given, else `ArgError` "`name` must be a function". */
export function checkCallback<F extends (...args: never[]) => unknown>(
  name: string,
  value: F | undefined,
): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ArgError(`${name} must be a function`)
  }
  return value
}

/**
 * Refuses option names that `keys` does not list: a typo would otherwise be ignored silently.
 * Build `keys` with `optionKeys`, so the list is checked against the options' interface.
 */
export function checkKeys(what: string, options: object, keys: ReadonlySet<string>): void {
  const unknown = Object.keys(options).filter((key) => !keys.has(key))
  if (unknown.length > 0) throw new ArgError(`unknown ${what} option: ${unknown.join(', ')}`)
}

/**
 * The option names of interface `T`, checked by the compiler: the object must name every key of
 * `T` and nothing else, so the list cannot drift from the interface.
 *
 * @example
 * const KEYS = optionKeys<QueryOptions>()({ data: true, limit: true, … })
 */
export function optionKeys<T>() {
  return <K extends { [P in keyof Required<T>]: true }>(
    keys: K & Record<Exclude<keyof K, keyof T>, never>,
  ): ReadonlySet<string> => new Set(Object.keys(keys))
}

/**
 * Collection and schema names: 1..63 bytes (Postgres' limit), no leading `_`, no NUL, and valid
 * UTF-16: a lone surrogate has no UTF-8 form, and the drivers would send U+FFFD in its place, so
 * the table would be made under another name than the one asked for.
 */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string') throw new ArgError(`${what} must be a string`)
  if (!name.isWellFormed()) throw new ArgError(`${what} must be valid UTF-8 (no lone surrogates)`)
  const bytes = utf8Length(name)
  if (bytes < 1 || bytes > 63) throw new ArgError(`${what} must be 1 to 63 bytes long`)
  if (name.startsWith('_')) throw new ArgError(`${what} must not start with "_"`)
  if (name.includes('\0')) throw new ArgError(`${what} must not contain NUL characters`)
  return name
}
