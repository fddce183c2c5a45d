import type { Backend, Queryable } from '../backend/backend.js'
import { executeCompiled, execute } from '../sql/execute.js'
import { compile } from '../sql/fragment.js'
import { scanAt } from '../vector-index/rerank.js'
import { explain, selectNearest, type NearestQuery } from '../sql/nearest.js'
import { selectSample } from '../sql/rows.js'
import { readSettingsOn, settingsPrelude, type LocalSettings } from '../sql/settings.js'
import type { TableRef } from '../sql/tables.js'
import type { Measure } from '../types.js'
import { MAX_EF_SEARCH } from '../vector-index/args.js'
import { searchSetting, type IndexInfo } from '../vector-index/read.js'
import { toFloat32, vectorFromText, vectorToBinary } from '../vector.js'
import { nearbyQuery, seeded, SPAN_NEIGHBOURS } from './held-out.js'
import { summarize, type Measured } from './search.js'

/**
 * A query measured: its vector, the stored row it was made from (left out of every answer; '' for
 * a query given by the user), and its exact neighbours' reach.
 */
export interface TruthQuery {
  readonly id: string
  readonly vec: Uint8Array
  /** Distance of the `limit`-th exact neighbour: an approximate hit counts if it is this close. */
  readonly kth: number
  /** How many neighbours the page can hold (fewer than `limit` in a tiny collection). */
  readonly size: number
}

/** A query before its exact neighbours are known. */
export interface SampleQuery {
  readonly id: string
  readonly vector: Float32Array
  /** The same, as the statement binds it. */
  readonly vec: Uint8Array
}

function sampleQuery(id: string, vector: Float32Array): SampleQuery {
  return { id, vector, vec: vectorToBinary(vector) }
}

/** Stored rows chosen by a seeded hash of their ids: the same rows every time. */
export async function sampleRows(
  db: Queryable,
  table: TableRef,
  count: number,
): Promise<SampleQuery[]> {
  const rows = await execute<{ id: string; vec: string }>(
    db,
    selectSample(table, count, 'vecs-tune'),
  )
  return rows.map((row) => sampleQuery(row.id, toFloat32(vectorFromText(row.vec), table.dimension)))
}

/**
 * Queries made from stored rows, each moved along its neighbourhood (see `nearbyQuery`). The
 * neighbours come from the index at a generous setting: they only give the directions and the
 * step.
 */
export async function nearbyQueries(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  limit: number,
  rows: readonly SampleQuery[],
): Promise<SampleQuery[]> {
  const random = seeded(rows.length * 7919 + limit)
  return db.transaction(
    async (tx) => {
      const queries: SampleQuery[] = []
      for (const row of rows) {
        const near = await execute<{ id: string; vector: string }>(
          tx,
          nearestQuery(table, index.measure, row.vec, SPAN_NEIGHBOURS + 1, true, NOT_QUANTIZED),
        )
        const neighbours = near
          .filter((hit) => hit.id !== row.id)
          .map((hit) => toFloat32(vectorFromText(hit.vector), table.dimension))
        queries.push(
          sampleQuery(row.id, nearbyQuery(row.vector, neighbours, index.measure, random)),
        )
      }
      return queries
    },
    settingsPrelude(
      readSettingsOn(
        table,
        index.method === 'hnsw'
          ? { 'hnsw.ef_search': String(Math.min(MAX_EF_SEARCH, Math.max(100, 4 * limit))) }
          : {
              'ivfflat.probes': String(
                Math.min(index.nLists, Math.max(4, 2 * Math.round(Math.sqrt(index.nLists)))),
              ),
            },
      ),
    ),
  )
}

/** The user's own queries, measured as they are. */
export function givenQueries(vectors: readonly Float32Array[]): SampleQuery[] {
  return vectors.map((vector) => sampleQuery('', vector))
}

export type Hit = { id: string; value: number }

/**
 * Exact neighbours of each query (index scans off, so every row is ranked), one more than `limit`
 * so that the query's own row can be left out. `onQuery` hears each query done.
 */
export async function exactTruth(
  db: Backend,
  table: TableRef,
  measure: Measure,
  limit: number,
  queries: readonly SampleQuery[],
  onQuery: (done: number) => void = () => {},
): Promise<TruthQuery[]> {
  return db.transaction(
    async (tx) => {
      const truth: TruthQuery[] = []
      for (const q of queries) {
        const hits = withoutSelf(await nearest(tx, table, measure, q.vec, limit + 1), q.id, limit)
        onQuery(truth.length + 1)
        const last = hits[hits.length - 1]
        if (last !== undefined) truth.push({ ...q, kth: last.value, size: hits.length })
      }
      return truth
    },
    settingsPrelude(readSettingsOn(table, { enable_indexscan: 'off' })),
  )
}

/**
 * Recall@limit of the index at one setting (`hnsw.ef_search` or `ivfflat.probes`), against the
 * exact neighbours, with the plan the server chose for the first query and the mean time a query
 * took: a setting at which the planner leaves the index measures the plan users would get. With
 * `forceIndex`, sequential scans are off, so the index serves the query whatever the planner
 * estimates.
 */
export async function measureSetting(
  db: Backend,
  table: TableRef,
  index: IndexInfo,
  limit: number,
  truth: readonly TruthQuery[],
  setting: number,
  forceIndex: boolean,
): Promise<Measured> {
  const settings: LocalSettings = { [searchSetting(index.method)]: String(setting) }
  if (forceIndex) settings.enable_seqscan = 'off'
  const scan = scanAt(index, limit + 1, setting)
  const statement = (vec: Uint8Array) =>
    nearestQuery(table, index.measure, vec, limit + 1, false, scan)
  return db.transaction(
    async (tx) => {
      const first = truth[0]
      const plan =
        first === undefined
          ? ''
          : (
              await executeCompiled<{ 'QUERY PLAN': string }>(
                tx,
                explain(compile(statement(first.vec)), false),
              )
            )
              .map((line) => line['QUERY PLAN'])
              .join('\n')
      const recalls: number[] = []
      const started = performance.now()
      for (const q of truth) {
        const hits = withoutSelf(await execute<Hit>(tx, statement(q.vec)), q.id, limit)
        recalls.push(recallOf(hits, q))
      }
      return {
        setting,
        forceIndex,
        ...summarize(recalls),
        usedIndex: plan.includes(index.name),
        ms: (performance.now() - started) / Math.max(1, truth.length),
      }
    },
    settingsPrelude(readSettingsOn(table, settings)),
  )
}

/**
 * The share of a query's exact neighbours that `hits` found: a hit counts if it is as close as the
 * `limit`-th exact neighbour (distances from the index and from exact search are one computation;
 * rounding only is allowed for).
 */
export function recallOf(hits: readonly Hit[], q: TruthQuery): number {
  const reach = q.kth + 1e-6 * Math.max(1, Math.abs(q.kth))
  return hits.filter((hit) => hit.value <= reach).length / q.size
}

/** How a statement scans: ordered by the vectors, or by a quantized index's key (re-ranked). */
type Scan = Pick<NearestQuery, 'quantization' | 'rerank' | 'candidates'>
const NOT_QUANTIZED: Scan = { quantization: 'none', rerank: false, candidates: 0 }

/** The plain unfiltered nearest-neighbour statement, ids and distances (and vectors if asked). */
function nearestQuery(
  table: TableRef,
  measure: Measure,
  vec: Uint8Array,
  limit: number,
  includeVector: boolean,
  scan: Scan,
) {
  return selectNearest(table, {
    ...scan,
    vec,
    measure,
    limit,
    where: null,
    includeValue: true,
    includeVector,
    includeMetadata: false,
    resort: false,
    exact: false,
  })
}

/** Nearest rows by the vectors themselves (exact where no index serves it, as in exactTruth). */
export async function nearest(
  tx: Queryable,
  table: TableRef,
  measure: Measure,
  vec: Uint8Array,
  limit: number,
): Promise<Hit[]> {
  return execute<Hit>(tx, nearestQuery(table, measure, vec, limit, false, NOT_QUANTIZED))
}

export function withoutSelf(hits: Hit[], id: string, limit: number): Hit[] {
  return hits.filter((hit) => hit.id !== id).slice(0, limit)
}
