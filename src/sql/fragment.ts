/**
 * The only place where SQL text and values meet. A `Fragment` is a list of literal text pieces with
 * values between them; `compile` turns it into `{ text, values }` with `$1 … $n` placeholders.
 * Identifiers go through `ident()`, which quotes and doubles embedded quotes. Nothing a user typed is
 * ever put into the text itself.
 */
// A symbol brand, so that no user value (a JSON object from metadata, say) can pass for SQL text.
const SQL_PART: unique symbol = Symbol('vecs.sql')

export interface Fragment {
  readonly [SQL_PART]: 'fragment'
  readonly strings: readonly string[]
  readonly values: readonly Part[]
}

/** A quoted identifier, possibly schema-qualified. */
export interface Identifier {
  readonly [SQL_PART]: 'identifier'
  readonly path: readonly string[]
}

/** Text from this codebase's own constant tables (operators, ops classes, keywords) or checked integers. */
export interface Trusted {
  readonly [SQL_PART]: 'trusted'
  readonly text: string
}

export type Part = Fragment | Identifier | Trusted | unknown

export interface CompiledQuery {
  readonly text: string
  readonly values: unknown[]
}

/** Tagged template: `sql\`select * from ${ident(s, t)} where id = ${id}\``. */
export function sql(strings: TemplateStringsArray, ...values: Part[]): Fragment {
  return { [SQL_PART]: 'fragment', strings: [...strings], values }
}

/** A quoted identifier: `ident('vecs', 'my"table')` → `"vecs"."my""table"`. */
export function ident(...path: string[]): Identifier {
  if (path.length === 0 || path.some((p) => typeof p !== 'string' || p.includes('\0'))) {
    throw new TypeError('identifier parts must be strings without NUL')
  }
  return { [SQL_PART]: 'identifier', path }
}

/** A validated integer emitted as a literal, for DDL that takes no parameters (`WITH (m = 16)`). */
export function int(n: number): Trusted {
  if (!Number.isSafeInteger(n)) throw new TypeError('expected a safe integer')
  return { [SQL_PART]: 'trusted', text: String(n) }
}

const TRUSTED_TEXT = /^[A-Za-z0-9_ <>=#+\-!@~*(),.:]*$/

/**
 * Text taken from this codebase's constant tables only (an operator such as `<=>`, an ops class such
 * as `vector_cosine_ops`). Guarded against quotes, semicolons and comments all the same.
 */
export function trusted(text: string): Trusted {
  if (!TRUSTED_TEXT.test(text) || text.includes('--')) {
    throw new TypeError('trusted SQL text contains characters that are not allowed')
  }
  return { [SQL_PART]: 'trusted', text }
}

const LITERAL_TEXT = /^[A-Za-z0-9_ =.:,-]*$/

/**
 * A string literal for the few statements that take no parameters (COMMENT ON). Only for text vecs
 * composes itself from words and numbers; anything else is refused rather than escaped.
 */
export function literal(text: string): Trusted {
  if (!LITERAL_TEXT.test(text) || text.includes('--')) {
    throw new TypeError('literal SQL text contains characters that are not allowed')
  }
  return { [SQL_PART]: 'trusted', text: `'${text}'` }
}

/** Joins fragments (or values) with a separator fragment, default `, `. */
export function join(parts: readonly Part[], separator: Fragment = sql`, `): Fragment {
  if (parts.length === 0) return sql``
  const strings = ['']
  const values: Part[] = []
  parts.forEach((part, i) => {
    if (i > 0) {
      values.push(separator)
      strings.push('')
    }
    values.push(part)
    strings.push('')
  })
  return { [SQL_PART]: 'fragment', strings, values }
}

/** Fragment → `{ text, values }`, numbering placeholders from `$1`. */
export function compile(fragment: Fragment): CompiledQuery {
  const values: unknown[] = []
  const text = render(fragment, values)
  return { text, values }
}

/**
 * Compiles a statement once for values that change from run to run: `build` places `slot(name)`
 * where each goes, and the returned function fills the slots without rendering SQL again. For a
 * hot statement (a query's SELECT), whose text never depends on the slots' values.
 */
export function template<V extends Record<string, unknown>>(
  build: (slot: <K extends keyof V & string>(name: K) => V[K]) => Fragment,
): (values: V) => CompiledQuery {
  const slots = new Map<object, keyof V>()
  const slot = <K extends keyof V & string>(name: K): V[K] => {
    const placeholder = { slot: name }
    slots.set(placeholder, name)
    // Stands in for the value until fill time; compile only ever sees it as a parameter.
    return placeholder as unknown as V[K]
  }
  const { text, values } = compile(build(slot))
  const filled = values.flatMap((value, i) => {
    const name = typeof value === 'object' && value !== null ? slots.get(value) : undefined
    return name === undefined ? [] : [[i, name] as const]
  })
  return (given) => {
    const out = values.slice()
    for (const [i, name] of filled) out[i] = given[name]
    return { text, values: out }
  }
}

/** A fragment as a map key: its SQL text and its values (JSON), which together decide what it does. */
export function fragmentKey(fragment: Fragment): string {
  const { text, values } = compile(fragment)
  return `${text}\u0000${JSON.stringify(values)}`
}

/** A parameterless fragment (`EXPLAIN …`) before a compiled statement, whose `$n` stay as they are. */
export function prefix(head: Fragment, query: CompiledQuery): CompiledQuery {
  const compiled = compile(head)
  if (compiled.values.length > 0) throw new TypeError('a prefix takes no parameters')
  return { text: `${compiled.text} ${query.text}`, values: query.values }
}

function render(fragment: Fragment, values: unknown[]): string {
  let text = fragment.strings[0] ?? ''
  fragment.values.forEach((part, i) => {
    text += renderPart(part, values) + (fragment.strings[i + 1] ?? '')
  })
  return text
}

function renderPart(part: Part, values: unknown[]): string {
  if (isTagged(part, 'fragment')) return render(part as Fragment, values)
  if (isTagged(part, 'identifier')) return (part as Identifier).path.map(quoteIdent).join('.')
  if (isTagged(part, 'trusted')) return (part as Trusted).text
  // The same object (a query vector used in SELECT and ORDER BY) is sent once.
  const seen = typeof part === 'object' && part !== null ? values.indexOf(part) : -1
  if (seen !== -1) return `$${seen + 1}`
  values.push(part)
  return `$${values.length}`
}

function isTagged(part: Part, kind: string): boolean {
  return typeof part === 'object' && part !== null && (part as Partial<Fragment>)[SQL_PART] === kind
}

/** Postgres identifier quoting: wrap in double quotes, double any quote inside. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
