import { MEASURES, type Measure } from '../types.js'

/**
 * What vecs remembers about an index, kept in the index's COMMENT so it survives restarts and is
 * seen by every client: the rows the collection had at the build, whether the lists were chosen by
 * vecs (then `reindex()` chooses them afresh), and the tuning measured on it, if any. Written as
 * `vecs rows=12000 lists=auto workers=2`, then the tuning's fields as `name=value` (a COMMENT takes no bound
 * parameters, so the text keeps to the characters a plain literal may hold).
 */
export interface BuildNote {
  readonly rows: number
  readonly autoLists: boolean
  /** A binary index: the measure it re-ranks by (its ops class, Hamming distance, does not say). */
  readonly measure?: Measure
  /** The most parallel workers the server ran for the build at once, where a connection watched it. */
  readonly workers?: number
  readonly tuning?: Tuning
  /** A build that was to be tuned but skipped it for its cost: `tune()` is advised. */
  readonly tuneAdvised?: boolean
}

/** The cheapest search setting measured to reach a recall target on this index. */
export interface Tuning {
  /** `hnsw.ef_search` or `ivfflat.probes`, as the index's method has it. */
  readonly setting: number
  /** Whether queries turn sequential scans off: the planner would leave the index, which is faster. */
  readonly forceIndex: boolean
  /** The recall the tuning aimed at. */
  readonly target: number
  /** Mean recall@limit measured at `setting` against exact search. */
  readonly recall: number
  /** Whether the measured recall, less its sampling margin, reached the target. */
  readonly reached: boolean
  /** Sample queries measured, and the page size they asked for. */
  readonly queries: number
  readonly limit: number
  /** Rows the collection had when it was measured. */
  readonly rows: number
  /** When it was measured, as an ISO 8601 time. */
  readonly at: string
  /** Filtered queries measured at the same target, where the collection was large enough. */
  readonly filtered?: FilteredProfile
}

/**
 * How far filtered queries must scan on this index to keep the target, measured with a stand-in
 * filter (a hash of the ids) matching a share of the rows, and what exact search over a filter's
 * rows costs where no index serves the filter (a full scan).
 */
export interface FilteredProfile {
  readonly points: readonly FilteredPoint[]
  /**
   * Mean time of an exact search of the whole table, as tuning measured it: about what an exact
   * search filtered by a condition no index serves costs.
   */
  readonly exactMs: number
  /**
   * False where a build's tuning ran out of its budget before every share was measured (the
   * points are those it measured; `tune()` measures the rest).
   */
  readonly complete: boolean
}

export interface FilteredPoint {
  /** The share of the rows the stand-in filter matched. */
  readonly share: number
  /** The setting that reached the target, as a multiple of the tuned one; null where none did. */
  readonly scale: number | null
  /** Mean recall measured there (at the largest setting tried where none reached the target). */
  readonly recall: number
  /** Mean time of a query there. */
  readonly ms: number
}

export function formatBuildNote(note: BuildNote): string {
  const measure = note.measure === undefined ? '' : ` measure=${note.measure}`
  const workers = note.workers === undefined ? '' : ` workers=${note.workers}`
  const build = `vecs rows=${Math.round(note.rows)} lists=${note.autoLists ? 'auto' : 'given'}${measure}${workers}`
  const t = note.tuning
  if (t === undefined) return note.tuneAdvised === true ? `${build} tune=advised` : build
  return (
    `${build} setting=${t.setting} target=${t.target} recall=${t.recall.toFixed(4)} ` +
    `reached=${t.reached ? 'yes' : 'no'} queries=${t.queries} limit=${t.limit} ` +
    `tuned_rows=${t.rows} at=${t.at}${t.forceIndex ? ' force_index=yes' : ''}` +
    (t.filtered === undefined ? '' : ` ${formatFiltered(t.filtered)}`)
  )
}

/**
 * `filtered=0.1:2:0.9612:13.20,0.01:x:0.9120:40.10 exact_ms=112.50` (x: no setting reached it);
 * `filtered=-` where none was measured, and ` filtered_partial=yes` where shares were left out.
 */
function formatFiltered(f: FilteredProfile): string {
  const points = f.points.map(
    (p) =>
      `${Number(p.share.toPrecision(3))}:${p.scale === null ? 'x' : Number(p.scale.toFixed(3))}:${p.recall.toFixed(4)}:${p.ms.toFixed(2)}`,
  )
  const measured = points.length === 0 ? '-' : points.join(',')
  return (
    `filtered=${measured} exact_ms=${f.exactMs.toFixed(2)}` +
    (f.complete ? '' : ' filtered_partial=yes')
  )
}

function parseFiltered(
  points: string | undefined,
  exact: string | undefined,
  partial: string | undefined,
): FilteredProfile | undefined {
  const exactMs = Number(exact)
  if (points === undefined || !(exactMs >= 0)) return undefined
  const complete = partial !== 'yes'
  if (points === '-') return { points: [], exactMs, complete }
  const parsed: FilteredPoint[] = []
  for (const point of points.split(',')) {
    const fields = /^([\d.e-]+):([\d.]+|x):([\d.]+):([\d.]+)$/.exec(point)
    if (fields === null) return undefined
    const [share, recall, ms] = [fields[1], fields[3], fields[4]].map(Number) as [
      number,
      number,
      number,
    ]
    const scale = fields[2] === 'x' ? null : Number(fields[2])
    if (!(share > 0 && share <= 1 && recall <= 1) || (scale !== null && !(scale >= 1)))
      return undefined
    parsed.push({ share, scale, recall, ms })
  }
  return { points: parsed, exactMs, complete }
}

/** Reads a note written by `formatBuildNote`; null for any other comment (or none). */
export function parseBuildNote(comment: string | null): BuildNote | null {
  const build =
    comment === null
      ? null
      : /^vecs rows=(\d+) lists=(auto|given)(?: measure=(\w+))?(?: workers=(\d+))?(?: (.*))?$/.exec(
          comment,
        )
  if (!build) return null
  const measure = MEASURES.find((m) => m === build[3])
  const note: BuildNote = {
    rows: Number(build[1]),
    autoLists: build[2] === 'auto',
    ...(measure === undefined ? {} : { measure }),
    ...(build[4] === undefined ? {} : { workers: Number(build[4]) }),
  }
  if (build[5] === 'tune=advised') return { ...note, tuneAdvised: true }
  const tuning = build[5] === undefined ? null : parseTuning(build[5])
  return tuning === null ? note : { ...note, tuning }
}

function parseTuning(text: string): Tuning | null {
  const fields = new Map(text.split(' ').map((pair) => pair.split('=', 2) as [string, string]))
  const count = (key: string) => {
    const value = fields.get(key)
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : null
  }
  const fraction = (key: string) => {
    const value = Number(fields.get(key) ?? Number.NaN)
    return value >= 0 && value <= 1 ? value : null
  }
  const [setting, queries, limit, rows] = ['setting', 'queries', 'limit', 'tuned_rows'].map(count)
  const [target, recall] = ['target', 'recall'].map(fraction)
  const reached = fields.get('reached')
  const at = fields.get('at')
  if (setting == null || queries == null || limit == null || rows == null) return null
  if (target == null || recall == null || (reached !== 'yes' && reached !== 'no')) return null
  if (at === undefined || Number.isNaN(Date.parse(at))) return null
  const forceIndex = fields.get('force_index') === 'yes'
  const filtered = parseFiltered(
    fields.get('filtered'),
    fields.get('exact_ms'),
    fields.get('filtered_partial'),
  )
  return {
    setting,
    forceIndex,
    target,
    recall,
    reached: reached === 'yes',
    queries,
    limit,
    rows,
    at,
    ...(filtered === undefined ? {} : { filtered }),
  }
}
