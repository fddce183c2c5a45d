/** A plain object (`{}` or `Object.create(null)`), not an array, class instance, Date or Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * Whether PostgreSQL can store this string in text or jsonb: no U+0000, and no lone UTF-16
 * surrogate (it cannot be encoded as UTF-8). Checked up front so the error is ours, not the driver's,
 * which would quote the value.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\0') && text.isWellFormed()
}
