import { checkFlag, checkInteger, checkKeys, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import { MAX_EF_SEARCH } from '../vector-index/args.js'
import { compileFilter } from '../filter/compile.js'
import type { FilterNode } from '../filter/nodes.js'
import { parseFilter } from '../filter/parse.js'
import { fragmentKey, ident, type Fragment } from '../sql/fragment.js'
import { checkMeasure } from '../measures.js'
import { checkFusion, type CheckedFusion } from '../text-search/fusion.js'
import type { Measure, QueryOptions, Vector } from '../types.js'

/**
 * A query's filter as SQL, compiled once per query for everything that needs it (the statement,
 * the estimate of what it matches), and as a key: its SQL and values.
 */
export interface QueryFilter {
  readonly condition: Fragment
  readonly key: string
  /**
   * Only `$eq` on scalars, alone or joined by `$and`: containment (`@>`) that the metadata GIN
   * index serves, so an exact search reads just the matching rows.
   */
  readonly indexed: boolean
}

/** Query options after every check; `data` is left to the caller (it may be media for an adapter). */
export interface CheckedQuery {
  limit: number
  measure: Measure
  filter: QueryFilter | null
  includeValue: boolean
  includeSimilarity: boolean
  includeMetadata: boolean
  includeVector: boolean
  probes: number | undefined
  efSearch: number | undefined
  rerank: number | undefined
  skipAdapter: boolean
  exact: boolean
  /** Read on the primary even where the client has read replicas. */
  fromPrimary: boolean
  /** The words of a text or hybrid query; null for a vector query. */
  text: string | null
  /** How a hybrid query fuses; null unless both `data` and `text` are given. */
  fusion: CheckedFusion | null
}

const QUERY_KEYS = optionKeys<QueryOptions>()({
  data: true,
  limit: true,
  filters: true,
  measure: true,
  includeValue: true,
  includeSimilarity: true,
  includeMetadata: true,
  includeVector: true,
  probes: true,
  efSearch: true,
  rerank: true,
  skipAdapter: true,
  exact: true,
  fromPrimary: true,
  text: true,
  fusion: true,
})

/**
 * Limits on a query: `limit` and `efSearch` 1..1000, `probes` 1..32768 (pgvector's own bounds),
 * `rerank` 1..100.
 */
export const QUERY_BOUNDS = {
  limit: 1000,
  efSearch: MAX_EF_SEARCH,
  probes: 32768,
  rerank: 100,
} as const

/** Query options of any collection, typed or not: the filter is checked here, whatever its type. */
export type AnyQueryOptions = Omit<QueryOptions<unknown>, 'filters'> & {
  readonly filters?: unknown
}

/** Checks every query option before any SQL runs. Unknown option names are refused, as typos would be silent. */
export function checkQuery(options: AnyQueryOptions): CheckedQuery {
  if (typeof options !== 'object' || options === null)
    throw new ArgError('query takes an options object')
  checkKeys('query', options, QUERY_KEYS)
  const hasData = options.data !== undefined
  const text = options.text === undefined ? null : checkText(options.text)
  if (!hasData && text === null)
    throw new ArgError('query needs data (the query vector), text (words to search for), or both')
  const limit = checkInteger('limit', options.limit ?? 10, { min: 1, max: QUERY_BOUNDS.limit })
  if ((!hasData || text === null) && options.fusion !== undefined)
    throw new ArgError('fusion fuses a vector and a text ranking: give both data and text')
  if (!hasData && options.includeSimilarity === true)
    throw new ArgError('includeSimilarity needs data: a text query alone measures no distance')
  return {
    limit,
    measure: checkMeasure(options.measure ?? 'cosine_distance'),
    filter: options.filters === undefined ? null : queryFilter(options.filters),
    includeValue: checkFlag('includeValue', options.includeValue),
    includeSimilarity: checkFlag('includeSimilarity', options.includeSimilarity),
    includeMetadata: checkFlag('includeMetadata', options.includeMetadata),
    includeVector: checkFlag('includeVector', options.includeVector),
    probes:
      options.probes === undefined
        ? undefined
        : checkInteger('probes', options.probes, { min: 1, max: QUERY_BOUNDS.probes }),
    efSearch:
      options.efSearch === undefined
        ? undefined
        : checkInteger('efSearch', options.efSearch, { min: 1, max: QUERY_BOUNDS.efSearch }),
    rerank:
      options.rerank === undefined
        ? undefined
        : checkInteger('rerank', options.rerank, { min: 1, max: QUERY_BOUNDS.rerank }),
    skipAdapter: checkFlag('skipAdapter', options.skipAdapter),
    exact: checkFlag('exact', options.exact),
    fromPrimary: checkFlag('fromPrimary', options.fromPrimary),
    text,
    fusion: text !== null && hasData ? checkFusion(options.fusion, limit) : null,
  }
}

/** The longest text a query takes, in characters: a search box's words, not a document. */
const MAX_QUERY_TEXT = 1000

/**
 * A query's words: a string with something besides spaces, at most 1000 characters, without NUL
 * (which PostgreSQL text cannot hold). Whatever else it holds (quotes, backslashes, `--`, `:*`,
 * `&`, `!`) is only ever a parameter of `websearch_to_tsquery`, which takes tsquery's operators for
 * punctuation and never fails on its input.
 */
function checkText(text: unknown): string {
  if (typeof text !== 'string') throw new ArgError('text must be a string: the words to search for')
  if (text.trim() === '') throw new ArgError('text must hold at least one word')
  if (text.length > MAX_QUERY_TEXT)
    throw new ArgError(`text must be at most ${MAX_QUERY_TEXT} characters (got ${text.length})`)
  if (text.includes('\0')) throw new ArgError('text must not contain NUL characters')
  return text
}

/** A parsed filter compiled on the metadata column; null for an empty filter (it matches every row). */
function queryFilter(filters: unknown): QueryFilter | null {
  const node = parseFilter(filters)
  if (node === null) return null
  const condition = compileFilter(node, ident('metadata'))
  return { condition, key: fragmentKey(condition), indexed: containmentOnly(node) }
}

function containmentOnly(node: FilterNode): boolean {
  if (node.kind === 'and') return node.children.every(containmentOnly)
  return node.kind === 'eq'
}

/** Query options of a collection whose adapter takes media `M`: media, or a vector past the adapter. */
export type QueryInput<M, Meta> =
  QueryOptions<M, Meta> | (QueryOptions<Vector, Meta> & { skipAdapter: true })
