import { types } from '@electric-sql/pglite'

/**
 * How a result column's text becomes a value on the embedded backend: as node-postgres reads it
 * from a server, so that both backends hand the layers above the same values. Numbers that fit a
 * double (int2, int4, oid, float4, float8) are numbers; int8 and numeric stay strings, as exact as
 * the server sent them; booleans, json and jsonb, dates and timestamps are parsed; arrays of these
 * are arrays; every other type (text, varchar, name, regclass, vector…) is its text.
 */
export function parserFor(typeId: number): (text: string) => unknown {
  return SCALARS.get(typeId) ?? ARRAYS.get(typeId) ?? asText
}

const asText = (text: string): string => text
const asInt = (text: string): number => Number.parseInt(text, 10)
const asFloat = (text: string): number => Number.parseFloat(text)
const asBool = (text: string): boolean => TRUE_TEXTS.has(text)
const asJson = (text: string): unknown => JSON.parse(text)
const TRUE_TEXTS = new Set(['t', 'true', 'TRUE', 'y', 'yes', 'on', '1'])

/** PGlite's own readers for the date types: they read PostgreSQL's output as node-postgres does. */
const pgliteParser = (typeId: number) => {
  const parse = types.parsers[typeId]
  if (parse === undefined) throw new Error(`PGlite has no parser for type ${typeId}`)
  return (text: string): unknown => parse(text, typeId)
}

const SCALARS = new Map<number, (text: string) => unknown>([
  [types.BOOL, asBool],
  [types.INT2, asInt],
  [types.INT4, asInt],
  [types.OID, asInt],
  [types.FLOAT4, asFloat],
  [types.FLOAT8, asFloat],
  [types.JSON, asJson],
  [types.JSONB, asJson],
  [types.DATE, pgliteParser(types.DATE)],
  [types.TIMESTAMP, pgliteParser(types.TIMESTAMP)],
  [types.TIMESTAMPTZ, pgliteParser(types.TIMESTAMPTZ)],
])

/** Array types by their oid, each with the type of its elements. */
const ELEMENTS: readonly (readonly [number, number])[] = [
  [1000, types.BOOL],
  [1005, types.INT2],
  [1007, types.INT4],
  [1028, types.OID],
  [1021, types.FLOAT4],
  [1022, types.FLOAT8],
  [1016, types.INT8],
  [1231, types.NUMERIC],
  [1009, types.TEXT],
  [1015, types.VARCHAR],
  [1014, types.BPCHAR],
  [1002, types.CHAR],
  [1003, 19],
  [199, types.JSON],
  [3807, types.JSONB],
  [2951, types.UUID],
  [1182, types.DATE],
  [1115, types.TIMESTAMP],
  [1185, types.TIMESTAMPTZ],
]

const ARRAYS = new Map<number, (text: string) => unknown>(
  ELEMENTS.map(([arrayId, elementId]) => {
    const element = SCALARS.get(elementId) ?? asText
    return [arrayId, (text: string) => types.arrayParser(text, element, arrayId)]
  }),
)
