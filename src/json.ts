import { UnrepresentableValue } from './errors.js'

/** A plain object (`{}` or `Object.create(null)`), not an array, class instance, Date or Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * How deep arrays and objects may nest in metadata and in filter values, counting the outermost.
 * jsonb's parser recurses once per level: a server refuses some tens of thousands of levels
 * (`max_stack_depth`), and PGlite hangs at 15,000 (its WASM stack), while both take 10,000. 100 is
 * far inside both and keeps every walk over the value, here and in JSON.stringify, shallow.
 */
export const MAX_JSON_DEPTH = 100

/**
 * Whether PostgreSQL can store this string in text or jsonb: no U+0000, and no lone UTF-16
 * surrogate (it cannot be encoded as UTF-8). Checked up front so the error is ours, not the driver's,
 * which would quote the value.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\0') && text.isWellFormed()
}

/**
 * JSON text for jsonb, with `bigint` values written as the integers they are (JSON.stringify
 * refuses them). The common case, no bigint, is JSON.stringify alone.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error
    const text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v,
    )
    return text.replace(BIGINT_STRING, '$1')
  }
}

/**
 * Parses jsonb's text output without changing any number: integers beyond 2^53 become `bigint`;
 * a decimal with more precision than a float64 holds is refused (`UnrepresentableValue`) rather
 * than rounded. Text with no long digit run, nearly all metadata, is JSON.parse alone.
 */
export function parseJson(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text)
  return JSON.parse(markBigNumbers(text), (_key, v: unknown) =>
    typeof v === 'string' && v.startsWith(BIGINT_MARK) ? BigInt(v.slice(BIGINT_MARK.length)) : v,
  )
}

// U+0000 cannot occur in a jsonb string (PostgreSQL refuses it), so no stored text can pose as a mark.
const BIGINT_MARK = '\0bigint:'
const BIGINT_STRING = /"\\u0000bigint:(-?\d+)"/g
// 16 digits (a decimal point may stand among them): the fewest that can lose precision in a float64.
const LONG_NUMBER = /(?:\d\.?){16}/
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Rewrites unsafe integers outside strings as marked strings, and checks long decimals. */
function markBigNumbers(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (c === '"') {
      const end = stringEnd(text, i)
      out += text.slice(i, end)
      i = end
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i
      const token = NUMBER.exec(text)?.[0] ?? c
      out += numberToken(token)
      i += token.length
    } else {
      out += c
      i++
    }
  }
  return out
}

function numberToken(token: string): string {
  const value = Number(token)
  if (/^-?\d+$/.test(token)) return Number.isSafeInteger(value) ? token : `"\\u0000bigint:${token}"`
  if (sameDecimal(token, String(value))) return token
  throw new UnrepresentableValue(
    'a metadata number has more precision than a JavaScript number holds; vecs will not round it',
  )
}

/** The index just past the string literal that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i + 1
}

/** Whether two decimal texts (`1.50`, `1.5`, `1.5e0`) denote the same number. */
function sameDecimal(a: string, b: string): boolean {
  const x = decimalParts(a)
  const y = decimalParts(b)
  return (
    x.sign === y.sign && x.digits === y.digits && (x.digits === '' || x.exponent === y.exponent)
  )
}

function decimalParts(text: string): { sign: string; digits: string; exponent: number } {
  const [, sign = '', whole = '', fraction = '', exp = '0'] =
    /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text) ?? []
  const all = whole + fraction
  const lead = all.length - all.replace(/^0+/, '').length
  const digits = all.slice(lead).replace(/0+$/, '')
  return { sign: digits === '' ? '' : sign, digits, exponent: Number(exp) + whole.length - lead }
}
