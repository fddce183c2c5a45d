import { join, sql } from '../sql/fragment.js'
import type { Fragment, Identifier } from '../sql/fragment.js'
import { stringifyJson } from '../json.js'
import type { JsonValue } from '../types.js'
import type { CompareNode, CompareOp, FilterNode, InNode } from './nodes.js'

/**
 * A parsed filter → a boolean SQL condition on the jsonb `column`. Every key and value is a bound
 * parameter. The casts are needed: `jsonb -> $1` is ambiguous between a text key and an int index.
 */
export function compileFilter(node: FilterNode, column: Identifier): Fragment {
  switch (node.kind) {
    case 'and':
      return sql`(${join(compileEach(node.children, column), sql` AND `)})`
    case 'or':
      return sql`(${join(compileEach(node.children, column), sql` OR `)})`
    case 'eq':
      // Containment can use the GIN index and is exact for scalars: {"a":[1,2]} @> {"a":1} is false.
      return sql`${column} @> ${stringifyJson({ [node.key]: node.value })}::jsonb`
    case 'eqWhole':
      // For objects, @> would match a superset, so compare whole values.
      return sql`${field(column, node.key)} = ${json(node.value)}`
    case 'ne':
      return sql`${field(column, node.key)} <> ${json(node.value)}`
    case 'compare':
      return compileCompare(node, column)
    case 'in':
      return compileIn(node, column)
    case 'contains':
      return sql`(${field(column, node.key)} @> ${json(node.value)} AND ${typeOf(column, node.key)} = 'array')`
    case 'exists':
      return node.present ? hasKey(column, node.key) : sql`NOT ${hasKey(column, node.key)}`
  }
}

const COMPARISONS: { readonly [Op in CompareOp]: Fragment } = {
  gt: sql`>`,
  gte: sql`>=`,
  lt: sql`<`,
  lte: sql`<=`,
}

/** jsonb orders across types ("abc" < 5 holds), so a comparison also requires the value's type. */
function compileCompare({ key, op, value }: CompareNode, column: Identifier): Fragment {
  const type = typeof value === 'string' ? sql`'string'` : sql`'number'`
  const comparison = sql`${field(column, key)} ${COMPARISONS[op]} ${json(value)}`
  return sql`(${comparison} AND ${typeOf(column, key)} = ${type})`
}

/** An empty `$in` matches nothing; an empty `$nin` matches every row that has the key. */
function compileIn({ key, values, negated }: InNode, column: Identifier): Fragment {
  if (values.length === 0) return negated ? hasKey(column, key) : sql`FALSE`
  const list = values.map((value) => stringifyJson(value))
  const anyOf = sql`${field(column, key)} = ANY(${list}::jsonb[])`
  // Without the key, `NOT (NULL = ANY(…))` is NULL; the explicit check states that on purpose.
  return negated ? sql`(${hasKey(column, key)} AND NOT (${anyOf}))` : anyOf
}

function compileEach(nodes: readonly FilterNode[], column: Identifier): Fragment[] {
  return nodes.map((child) => compileFilter(child, column))
}

function field(column: Identifier, key: string): Fragment {
  return sql`(${column} -> ${key}::text)`
}

function typeOf(column: Identifier, key: string): Fragment {
  return sql`jsonb_typeof(${column} -> ${key}::text)`
}

function hasKey(column: Identifier, key: string): Fragment {
  return sql`(${column} ? ${key}::text)`
}

function json(value: JsonValue): Fragment {
  return sql`${stringifyJson(value)}::jsonb`
}
