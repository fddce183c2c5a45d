/**
 * The search for the cheapest setting that reaches a recall target: recall grows with
 * `hnsw.ef_search` and `ivfflat.probes`, so the search doubles the setting from the cheapest until
 * the target is met, then halves the gap to the last setting that missed it, to within a tenth.
 */

/** Recall measured at one setting over a sample of queries. */
export interface Measured {
  readonly setting: number
  /** Measured with sequential scans off, so that the index serves the query. */
  readonly forceIndex: boolean
  /** Mean recall over the queries. */
  readonly recall: number
  /** The mean less its sampling margin (one-sided 95%): what the tuning holds to the target. */
  readonly lowerBound: number
  /** False where the query plan did not use the index at this setting (the planner chose otherwise). */
  readonly usedIndex: boolean
  /** Mean time of one query. */
  readonly ms: number
}

export interface SearchRange {
  /** The cheapest setting worth measuring. */
  readonly from: number
  /** The most the setting may be. */
  readonly to: number
}

/** The setting chosen, and whether its lower bound reached the target. */
export interface Found {
  readonly best: Measured
  readonly reached: boolean
  readonly tried: readonly Measured[]
}

/**
 * Past some setting the planner may prefer a sequential scan to the index (its cost estimate grows
 * with the setting): users then get exact results at the scan's cost. There the setting is
 * measured again with the index forced, and the faster of the two plans is kept; a setting served
 * by a scan reaches any target, so the search ends there. A setting passes where `judged` (the
 * recall less its sampling margin, unless told otherwise) reaches the target. A setting that misses
 and is `hopeless` (e.g. already slower than another plan) ends the search unreached: larger ones
 only cost more.
 */
export async function findCheapest(
  range: SearchRange,
  target: number,
  measure: (setting: number, forceIndex: boolean) => Promise<Measured>,
  judged: (m: Measured) => number = (m) => m.lowerBound,
  hopeless: (m: Measured) => boolean = () => false,
  /** Stops the halving (a build's deadline passed): the setting that passed is kept as it is. */
  enough: () => boolean = () => false,
): Promise<Found> {
  const tried: Measured[] = []
  const at = async (setting: number) => {
    const planned = await measure(setting, false)
    tried.push(planned)
    if (planned.usedIndex) return planned
    const forced = await measure(setting, true)
    tried.push(forced)
    return forced.usedIndex && forced.ms < planned.ms ? forced : planned
  }
  const passes = (m: Measured) => judged(m) >= target
  let missed: Measured | null = null
  let passed: Measured | null = null
  for (let setting = range.from; ; setting = Math.min(range.to, setting * 2)) {
    const m = await at(setting)
    if (passes(m)) {
      passed = m
      break
    }
    missed = m
    if (setting >= range.to || hopeless(m)) break
  }
  if (passed === null) {
    const best = tried.reduce((a, b) => (b.recall > a.recall ? b : a))
    return { best, reached: false, tried }
  }
  while (
    missed !== null &&
    passed.setting - missed.setting > Math.max(1, missed.setting / 10) &&
    !enough()
  ) {
    const m = await at(Math.round((missed.setting + passed.setting) / 2))
    if (passes(m)) passed = m
    else missed = m
  }
  return { best: passed, reached: true, tried }
}

/** Mean and one-sided 95% lower bound of per-query recalls. */
export function summarize(recalls: readonly number[]): { recall: number; lowerBound: number } {
  const n = recalls.length
  const mean = recalls.reduce((a, b) => a + b, 0) / n
  const variance = n > 1 ? recalls.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0
  return { recall: mean, lowerBound: mean - 1.645 * Math.sqrt(variance / n) }
}
