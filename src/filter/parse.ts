import { FilterError } from '../errors.js'
import { isPlainObject, isStorableText, MAX_JSON_DEPTH } from '../json.js'
import { FILTER_OPERATORS, isFilterOperator, isLogicalOperator } from './nodes.js'
import type {
  EqNode,
  EqWholeNode,
  FilterNode,
  FilterOperator,
  LogicalOperator,
  Scalar,
} from './nodes.js'
import type { JsonValue } from '../types.js'

/**
 * Validates a metadata filter and returns its tree, or `null` for `{}`, which has no condition at
 * all: the caller decides whether that means every row or is a mistake. Anything that does not
 * follow the grammar throws `FilterError`; messages name keys and operators, never values.
 *
 * @example
 * parseFilter({ year: { $gte: 2020 }, $or: [{ genre: 'jazz' }, { genre: 'blues' }] })
 */
export function parseFilter(input: unknown): FilterNode | null {
  if (!isPlainObject(input)) throw new FilterError('a filter must be a plain object')
  const node = parseFields(input, 0) ?? null
  if (node !== null && countConditions(node) > MAX_FILTER_CONDITIONS) {
    throw new FilterError(`a filter may hold at most ${MAX_FILTER_CONDITIONS} conditions`)
  }
  return node
}

/**
 * The most conditions (field tests) in one filter. Each compiles to at most 3 bound values, and
 * PostgreSQL's protocol counts a statement's values in 16 bits (65,535; past it the count wraps and
 * the statement fails oddly): 10,000 leaves room for the rest of the statement. A `$in` list is one
 * bound array, so its length does not count.
 */
export const MAX_FILTER_CONDITIONS = 10_000

// Filters and values are walked recursively; the bound also turns a cyclic object into a FilterError.
const MAX_DEPTH = 100

const JSON_VALUE = 'a JSON value (string, finite number, boolean, null, array or plain object)'
const SCALAR = 'a string, a finite number or a boolean'

const EXPECTS: { readonly [Op in FilterOperator]: string } = {
  $eq: JSON_VALUE,
  $ne: JSON_VALUE,
  $gt: 'a string or a finite number',
  $gte: 'a string or a finite number',
  $lt: 'a string or a finite number',
  $lte: 'a string or a finite number',
  $in: 'an array of strings, finite numbers or booleans',
  $nin: 'an array of strings, finite numbers or booleans',
  $contains: SCALAR,
  $exists: 'a boolean',
}

const COMPARE_OPS = { $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte' } as const

type PlainObject = { readonly [key: string]: unknown }

/** Several fields in one object mean AND; `undefined` when the object is empty. */
function parseFields(filter: PlainObject, depth: number): FilterNode | undefined {
  const nodes = entriesOf(filter).map(([key, value]) => parseField(key, value, depth))
  return combine('and', nodes)
}

function parseField(key: string, value: unknown, depth: number): FilterNode {
  if (isLogicalOperator(key)) return parseLogical(key, value, depth + 1)
  if (key.startsWith('$')) {
    throw new FilterError(`unknown operator ${quote(key)}: expected a field name, $and or $or`)
  }
  const [op, operand] = operatorOf(noNul(key), value) ?? ['$eq', value]
  return parseOperator(op, key, operand)
}

function parseLogical(op: LogicalOperator, value: unknown, depth: number): FilterNode {
  if (depth > MAX_DEPTH) throw new FilterError(`$and and $or may nest at most ${MAX_DEPTH} deep`)
  const expected = `${op} expects a non-empty array of non-empty filter objects`
  if (!Array.isArray(value)) return fail(expected)
  const nodes = Array.from(value, (filter: unknown) => {
    const node = isPlainObject(filter) ? parseFields(filter, depth) : undefined
    return node ?? fail(expected)
  })
  return combine(op === '$and' ? 'and' : 'or', nodes) ?? fail(expected)
}

/** The operator of an operator object (`{ $gt: 5 }`); `undefined` when `value` is a plain value. */
function operatorOf(key: string, value: unknown): [FilterOperator, unknown] | undefined {
  if (!isPlainObject(value)) return undefined
  const entries = entriesOf(value)
  const [first, second] = entries
  if (first === undefined)
    throw new FilterError(`the filter for key ${quote(key)} must not be an empty object`)
  const operators = entries.filter(([name]) => name.startsWith('$')).length
  if (operators === 0) return undefined
  if (operators < entries.length) {
    throw new FilterError(`the operator object for key ${quote(key)} mixes operators and fields`)
  }
  if (second !== undefined) {
    throw new FilterError(`only one operator per operator object (key ${quote(key)})`)
  }
  const [name, operand] = first
  if (isFilterOperator(name)) return [name, operand]
  throw new FilterError(
    `unknown operator ${quote(name)} for key ${quote(key)}: expected one of ${FILTER_OPERATORS.join(', ')}`,
  )
}

function parseOperator(op: FilterOperator, key: string, value: unknown): FilterNode {
  const invalid = (): never => fail(`${op} on key ${quote(key)} expects ${EXPECTS[op]}`)
  switch (op) {
    case '$eq':
      return eqNode(key, toJson(value, invalid, 0))
    case '$ne':
      return { kind: 'ne', key, value: toJson(value, invalid, 0) }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return { kind: 'compare', key, op: COMPARE_OPS[op], value: orderable(value, invalid) }
    case '$in':
    case '$nin':
      return { kind: 'in', key, values: scalars(value, invalid), negated: op === '$nin' }
    case '$contains':
      return { kind: 'contains', key, value: scalar(value, invalid) }
    case '$exists':
      return { kind: 'exists', key, present: typeof value === 'boolean' ? value : invalid() }
  }
}

/** Scalars compare with `@>` (index-friendly), arrays and objects as a whole. */
function eqNode(key: string, value: JsonValue): EqNode | EqWholeNode {
  if (typeof value === 'object' && value !== null) return { kind: 'eqWhole', key, value }
  return { kind: 'eq', key, value }
}

/** A validated copy, so nothing the caller still holds (a getter, a later mutation) reaches SQL. */
function toJson(value: unknown, invalid: () => never, depth: number): JsonValue {
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
    return orderable(value, invalid)
  if (depth >= MAX_JSON_DEPTH) {
    throw new FilterError(`filter values may nest at most ${MAX_JSON_DEPTH} deep`)
  }
  if (Array.isArray(value)) {
    return Array.from(value, (item: unknown) => toJson(item, invalid, depth + 1))
  }
  if (!isPlainObject(value)) return invalid()
  const entries = entriesOf(value).map(([k, v]): [string, JsonValue] => [
    noNul(k),
    toJson(v, invalid, depth + 1),
  ])
  return Object.fromEntries(entries)
}

function orderable(value: unknown, invalid: () => never): string | number | bigint {
  if (typeof value === 'string') return noNul(value)
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isFinite(value)) return value
  return invalid()
}

function scalar(value: unknown, invalid: () => never): Scalar {
  return typeof value === 'boolean' ? value : orderable(value, invalid)
}

function scalars(value: unknown, invalid: () => never): Scalar[] {
  if (!Array.isArray(value)) return invalid()
  return Array.from(value, (item: unknown) => scalar(item, invalid))
}

/** The leaves of a parsed tree, whose depth `MAX_DEPTH` bounds. */
function countConditions(node: FilterNode): number {
  if (node.kind !== 'and' && node.kind !== 'or') return 1
  return node.children.reduce((sum, child) => sum + countConditions(child), 0)
}

function combine(kind: 'and' | 'or', nodes: readonly FilterNode[]): FilterNode | undefined {
  const [first, second, ...rest] = nodes
  if (first === undefined || second === undefined) return first
  return { kind, children: [first, second, ...rest] }
}

function entriesOf(object: PlainObject): [string, unknown][] {
  if (Object.getOwnPropertySymbols(object).length > 0) {
    throw new FilterError('filter keys must be strings, not symbols')
  }
  return Object.entries(object)
}

function noNul(text: string): string {
  if (!isStorableText(text)) {
    throw new FilterError('filter keys and strings must not contain U+0000 or lone surrogates')
  }
  return text
}

function quote(key: string): string {
  return JSON.stringify(key)
}

function fail(message: string): never {
  throw new FilterError(message)
}
