import type { CompiledQuery } from '../sql/fragment.js'
import { nearestTemplate, type NearestShape, type NearestValues } from '../sql/nearest.js'
import { readSettingsOn, type LocalSettings, type SearchSettings } from '../sql/settings.js'
import type { TableRef } from '../sql/tables.js'
import { filteredScanTuples, MAX_EF_SEARCH } from '../vector-index/args.js'
import type { CurrentIndex } from '../vector-index/read.js'
import { filteredChoice } from './filtered-scan.js'
import { binaryEfSearch, candidatesFor, checkRerank } from '../vector-index/rerank.js'
import type { CheckedQuery } from './query-options.js'

/** One statement of a query, with the settings it runs with. */
export interface SearchAttempt {
  readonly statement: CompiledQuery
  /** Settings that steer only the vector index scan, all of them, whatever the session holds. */
  readonly search: SearchSettings
  /** Planner settings (`enable_*`): these are only ever set locally, in a transaction. */
  readonly planner: LocalSettings
  /** Both, for `explain()`. */
  readonly runsWith: LocalSettings
  /** Every matching row is ranked, no vector index used. */
  readonly exact: boolean
}

/**
 * How one query runs: a first attempt, and the attempts that follow, in order, while the page is
 * still short of `limit` rows (an approximate index scan can come back short; exact search never
 * does while that many rows exist).
 */
export interface SearchPlan extends SearchAttempt {
  readonly fallbacks: readonly SearchAttempt[]
}

/**
 * The session's own values of the search settings, where a user promised that no session of their
 * pool or PGlite changes them (`assumeDefaultSettings`); else null, and every query sets what it
 * needs.
 */
export type SessionDefaults = Readonly<SearchSettings> | null

/** What the server's pgvector can do and how its sessions may be used, as far as queries care. */
export interface ServerFeatures {
  /** pgvector ≥ 0.8: `hnsw.iterative_scan` and `ivfflat.iterative_scan`. */
  readonly iterativeScans: boolean
  /**
   * vecs opened every connection itself, so a search may leave its search settings on its
   * connection's session for the next search there (see run.ts).
   */
  readonly ownsSessions: boolean
  readonly sessionDefaults: SessionDefaults
  /** The server is a Citus coordinator (its distributed collections shard across workers). */
  readonly citus: boolean
}

/**
 * Plans a query against the collection's current index:
 * - HNSW `ef_search` and IVFFlat `probes` as tuned for the index (see `tune()`), else fixed rules,
 *   unless given; ef_search never below the limit (pgvector's scan returns at most ef_search rows);
 * - an index scan sees the dead versions of replaced or deleted rows until VACUUM, and a filter
 *   drops rows after the scan: either can leave the page short. With pgvector ≥ 0.8 an iterative
 *   scan in relaxed order, re-sorted, keeps scanning until `limit` rows come; whatever is still
 *   short is redone exactly. A filtered query scans iteratively at once. So does an unfiltered
 *   one on sessions vecs owns, whose settings stay on the connection: one setting for every query
 *   keeps a query one statement. Elsewhere an unfiltered query scans iteratively only after a
 *   short page, so that the common query needs no settings of its own.
 * - a filter's `share` of the rows (estimated, see selectivity.ts) widens a default setting: the
 *   fewer rows match, the farther the nearest matching ones lie; where the index cannot reach its
 *   target for so few rows, or only slower than exact search, the query is exact (see
 *   `filteredChoice`);
 * - `exact` ranks every matching row, in a statement no vector index can serve.
 */
export function planSearch(
  table: TableRef,
  q: CheckedQuery,
  vec: Uint8Array,
  index: CurrentIndex | null,
  features: ServerFeatures,
  share: number | null = null,
): SearchPlan {
  const covered = index !== null && index.info.measure === q.measure
  if (!q.exact) checkRerank(q.rerank, covered ? index.info : null)
  // A similarity is computed from the distance.
  const includeValue = q.includeValue || q.includeSimilarity
  const shape = {
    measure: q.measure,
    quantization: covered ? index.info.quantization : ('none' as const),
    // Binary candidates always; halfvec ones where a distance is asked for or a rerank given.
    rerank:
      covered && (index.info.quantization === 'binary' || includeValue || q.rerank !== undefined),
    where: q.filter?.condition ?? null,
    includeValue,
    includeVector: q.includeVector,
    includeMetadata: q.includeMetadata,
  }
  const attempt = (
    order: 'index' | 'resorted' | 'exact',
    search: SearchSettings,
    planner: LocalSettings = {},
  ): SearchAttempt => ({
    statement: nearest(
      table,
      { ...shape, resort: order === 'resorted', exact: order === 'exact' },
      q.filter?.key ?? '',
      { vec, limit: q.limit, candidates },
    ),
    search,
    planner: readSettingsOn(table, planner),
    runsWith: readSettingsOn(table, { ...search, ...planner }),
    exact: order === 'exact',
  })
  const choice =
    covered && q.filter !== null
      ? filteredChoice(index.info.method, share, index.note?.tuning?.filtered, q.filter.indexed)
      : null
  const scale = choice === null || choice.exact ? 1 : choice.scale
  const { search, planner } = searchSettings(q, index, scale, share)
  const candidates = rerankCandidates(q, covered ? index : null, search)
  if (!covered) return { ...attempt('index', q.exact ? {} : search), fallbacks: [] }
  // Exact: ordered so that the vector index cannot serve it, every matching row is ranked.
  const exact = attempt('exact', {})
  if (q.exact || choice?.exact === true) return { ...exact, fallbacks: [] }
  const scan = `${index.info.method}.iterative_scan` as const
  // On a session that keeps its settings, a plain scan must say that it is not iterative.
  const plain = attempt(
    'index',
    features.iterativeScans && features.ownsSessions ? { ...search, [scan]: 'off' } : search,
    planner,
  )
  const iterative = features.iterativeScans
    ? attempt('resorted', { ...search, [scan]: 'relaxed_order' }, planner)
    : null
  if (q.filter !== null) return { ...(iterative ?? plain), fallbacks: [exact] }
  // An efSearch below the limit asks for a page pgvector's scan cannot fill: the caller's choice
  // (a recall sweep, say), so it is not redone.
  if (q.efSearch !== undefined && q.efSearch < q.limit && index.info.method === 'hnsw')
    return { ...plain, fallbacks: [] }
  if (iterative !== null && features.ownsSessions) return { ...iterative, fallbacks: [exact] }
  return { ...plain, fallbacks: iterative === null ? [exact] : [iterative, exact] }
}

const templates = new WeakMap<TableRef, Map<string, (values: NearestValues) => CompiledQuery>>()
/** Statements kept per collection: every unfiltered shape, and the filters used last. */
const KEEP_STATEMENTS = 256

/**
 * The nearest-neighbour statement, rendered once per collection, shape and filter (its SQL and
 * values, `filterKey`): a warm query, filtered or not, builds no SQL, it only fills in its vector
 * and limit. The filters used last are kept, the oldest dropped past 256.
 */
function nearest(
  table: TableRef,
  shape: NearestShape,
  filterKey: string,
  values: NearestValues,
): CompiledQuery {
  const key = `${shape.measure} ${shape.quantization} ${shape.rerank} ${shape.resort} ${shape.exact} ${shape.includeValue} ${shape.includeVector} ${shape.includeMetadata} ${filterKey}`
  let byShape = templates.get(table)
  if (byShape === undefined) templates.set(table, (byShape = new Map()))
  let fill = byShape.get(key)
  if (fill === undefined) {
    byShape.set(key, (fill = nearestTemplate(table, shape)))
    if (byShape.size > KEEP_STATEMENTS) byShape.delete(byShape.keys().next().value as string)
  }
  return fill(values)
}

/**
 * What the query needs of the index it will use; a setting the user gave is always set. A filter
 * widens the default by `scale` (see `filteredChoice`), and sizes how far an HNSW scan may go by
 * the `share` of the rows it matches (see `filteredScanTuples`).
 */
function searchSettings(
  q: CheckedQuery,
  index: CurrentIndex | null,
  scale: number,
  share: number | null,
): { search: SearchSettings; planner: LocalSettings } {
  const serving = index?.info.measure === q.measure ? index : null
  const search: SearchSettings = {}
  const widen = (value: number) => Math.ceil(value * scale)
  if (serving?.info.method === 'hnsw' || q.efSearch !== undefined) {
    // A rerank given asks its scan for that many pages of candidates (see rerankCandidates).
    const reranked =
      q.rerank !== undefined && serving !== null && serving.info.quantization !== 'none'
        ? q.limit * q.rerank
        : 0
    const ef =
      q.efSearch ??
      Math.min(MAX_EF_SEARCH, Math.max(widen(defaultEfSearch(serving, q.limit)), reranked))
    search['hnsw.ef_search'] = String(ef)
    // A share is estimated only where pgvector scans iteratively (0.8), which has the setting.
    if (q.filter !== null && share !== null && serving?.info.method === 'hnsw')
      search['hnsw.max_scan_tuples'] = String(filteredScanTuples(q.limit, share))
  }
  if (serving?.info.method === 'ivfflat' || q.probes !== undefined) {
    const lists = serving?.info.method === 'ivfflat' ? serving.info.nLists : Infinity
    const probes = q.probes ?? Math.min(lists, widen(defaultProbes(serving)))
    search['ivfflat.probes'] = String(probes)
  }
  // The tuning found the index faster than the scan the planner would choose at its setting.
  const given = q.efSearch !== undefined || q.probes !== undefined
  const forced = serving?.note?.tuning?.forceIndex === true && q.filter === null && !given
  return { search, planner: forced ? { enable_seqscan: 'off' } : {} }
}

/**
 * The candidates a quantized index's scan takes to re-rank (see rerank.ts), from the ef_search the
 * query runs with (which searchSettings raised for a rerank given); the limit elsewhere.
 */
function rerankCandidates(
  q: CheckedQuery,
  index: CurrentIndex | null,
  search: SearchSettings,
): number {
  if (index === null || index.info.quantization === 'none') return q.limit
  const ef = search['hnsw.ef_search']
  return candidatesFor(index.info, q.limit, q.rerank, ef === undefined ? undefined : Number(ef))
}

/**
 * A tuned index's ef_search, scaled up for pages larger than the one it was tuned for (a page of
 * 100 needs about ten times the candidates of a page of 10), never below the page; untuned,
 * max(40, limit), pgvector's default with room for the page (a binary index: room for its
 * default candidates).
 */
function defaultEfSearch(index: CurrentIndex | null, limit: number): number {
  const tuning = index?.note?.tuning
  if (tuning === undefined && index?.info.quantization === 'binary') return binaryEfSearch(limit)
  if (tuning === undefined) return Math.max(40, limit)
  const scaled = Math.ceil((tuning.setting * Math.max(limit, tuning.limit)) / tuning.limit)
  return Math.max(limit, Math.min(MAX_EF_SEARCH, scaled))
}

/**
 * A tuned index's probes. Untuned, round(sqrt(lists)) (pgvector's default of 1 recalls poorly),
 * except where the build was asked for a target and could not afford measuring (an IVFFlat build
 * is quick, its tuning is not): until `tune()` measures, 2·sqrt(lists), which reached 0.95 on
 * GloVe held-out words at every size measured (30 lists: 11 probes, 0.98; 100 lists: 20 probes,
 * 0.970–0.975).
 */
function defaultProbes(index: CurrentIndex | null): number {
  const tuning = index?.note?.tuning
  if (tuning !== undefined) return tuning.setting
  const lists = index?.info.method === 'ivfflat' ? index.info.nLists : 100
  const aimed = index?.note?.tuneAdvised === true
  return Math.min(lists, Math.max(1, Math.round((aimed ? 2 : 1) * Math.sqrt(lists))))
}
