import type { JsonValue } from '../types.js'

/**
 * The validated form of a metadata filter. `parseFilter` builds it from user input; `compileFilter`
 * turns it into SQL without checking anything again.
 */
export type FilterNode =
  | AndNode
  | OrNode
  | EqNode
  | EqWholeNode
  | NeNode
  | CompareNode
  | InNode
  | ContainsNode
  | ExistsNode

/** The operators a field may use: the `FilterOperator` type and the parser's check both come from here. */
export const FILTER_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$contains',
  '$exists',
] as const

export type FilterOperator = (typeof FILTER_OPERATORS)[number]

/** The operators that combine whole filters, allowed where a field name is expected. */
export const LOGICAL_OPERATORS = ['$and', '$or'] as const

export type LogicalOperator = (typeof LOGICAL_OPERATORS)[number]

export function isFilterOperator(name: string): name is FilterOperator {
  return FILTER_OPERATORS.some((op) => op === name)
}

export function isLogicalOperator(name: string): name is LogicalOperator {
  return LOGICAL_OPERATORS.some((op) => op === name)
}

/** A JSON scalar; integers beyond 2^53 as `bigint`, as metadata holds them. */
export type Scalar = string | number | bigint | boolean

/** An array or object value, compared as a whole. */
export type JsonContainer = Exclude<JsonValue, Scalar | null>

/** Two or more children; a single condition is never wrapped. */
export type Children = readonly [FilterNode, FilterNode, ...FilterNode[]]

export interface AndNode {
  readonly kind: 'and'
  readonly children: Children
}

export interface OrNode {
  readonly kind: 'or'
  readonly children: Children
}

/** `key` holds exactly this scalar (or JSON null). */
export interface EqNode {
  readonly kind: 'eq'
  readonly key: string
  readonly value: Scalar | null
}

/** `key` holds this array or object as a whole. */
export interface EqWholeNode {
  readonly kind: 'eqWhole'
  readonly key: string
  readonly value: JsonContainer
}

/** `key` is present and holds something other than `value`. */
export interface NeNode {
  readonly kind: 'ne'
  readonly key: string
  readonly value: JsonValue
}

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte'

/** `key` holds a value of the same JSON type as `value` that orders before or after it. */
export interface CompareNode {
  readonly kind: 'compare'
  readonly key: string
  readonly op: CompareOp
  readonly value: string | number | bigint
}

/** `key` holds one of `values` (`$in`), or is present and holds none of them (`$nin`, negated). */
export interface InNode {
  readonly kind: 'in'
  readonly key: string
  readonly values: readonly Scalar[]
  readonly negated: boolean
}

/** `key` holds an array that has `value` as an element. */
export interface ContainsNode {
  readonly kind: 'contains'
  readonly key: string
  readonly value: Scalar
}

/** `key` is present (or absent, when `present` is false). */
export interface ExistsNode {
  readonly kind: 'exists'
  readonly key: string
  readonly present: boolean
}
