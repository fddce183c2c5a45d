import { ArgError } from './errors.js'

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

/** A boolean option, `fallback` when not given, else `ArgError` "`name` must be a boolean". */
export function checkFlag(name: string, value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new ArgError(`${name} must be a boolean`)
  return value
}
