import type { FilteredPoint, FilteredProfile } from '../vector-index/note.js'

/** How a filtered query runs: through the index, its setting scaled up, or exactly. */
export type FilteredChoice =
  { readonly exact: true } | { readonly exact: false; readonly scale: number }

/** A filter matching this share of the rows or more scans as far as an unfiltered query. */
const HALF = 0.5
/**
 * What an exact search costs a row it reads through the metadata index, against a row of a full
 * scan: measured on GloVe-100 (native server), a `$eq` filter matching 0.1% of the rows ran in
 * 0.6 ms on 100,000 words and 2 ms on 317,230 (6–7 µs a row), a full scan in 40 and 114 ms
 * (0.36–0.4 µs a row): 15–18 times, taken as 20.
 */
const INDEXED_ROW_COST = 20

/**
 * How a filtered query on an index reaches its target, from the share of the rows its filter
 * matches:
 * - where tuning measured filtered queries on the index (see tuning/filtered.ts), the share
 *   measured nearest the filter's (by ratio) decides: where no setting reached the target there,
 *   or the index scan took longer than an exact search (of the whole table, or of just the
 *   matching rows where the metadata index serves the filter: `indexed`), the query is exact;
 *   else its setting is the tuned one scaled as measured there, and further by the rule's slope
 *   for the way the filter's share differs;
 * - else by the rule alone (`ruleScale`).
 */
export function filteredChoice(
  method: 'hnsw' | 'ivfflat',
  share: number | null,
  profile: FilteredProfile | undefined,
  indexed = false,
): FilteredChoice {
  if (share === null || share >= HALF) return { exact: false, scale: 1 }
  if (profile === undefined || profile.points.length === 0)
    return { exact: false, scale: ruleScale(method, share) }
  const distance = (p: FilteredPoint) => Math.abs(Math.log(p.share / share))
  const near = profile.points.reduce((a, b) => (distance(b) < distance(a) ? b : a))
  if (near.scale === null) return { exact: true }
  const further = ruleScale(method, share) / ruleScale(method, near.share)
  const exactMs = indexed
    ? Math.min(profile.exactMs, profile.exactMs * share * INDEXED_ROW_COST)
    : profile.exactMs
  if (near.ms * further > exactMs) return { exact: true }
  return { exact: false, scale: Math.max(1, near.scale * further) }
}

/**
 * How much further than an unfiltered query a filtered one must scan to keep its recall, where
 * tuning did not measure it: the `limit` nearest rows that match lie farther out the fewer rows
 * match. Measured on 100,000 GloVe-100 words with iterative scans, at the setting tuned to 0.95
 * unfiltered (ef_search 200, probes 26), recall@10 with a filter matching 50% / 10% / 1%: HNSW
 * 0.967 / 0.919 / 0.938, and 0.962 at twice the ef_search for 10%, 0.951 at four times for 1%;
 * IVFFlat 0.974 / 0.971 / 0.930. So HNSW's ef_search grows as (0.5 / share)^0.4 (×1.9 at 10%,
 * ×4.8 at 1%), IVFFlat's probes as (0.5 / share)^0.1 (×1.2 at 10%, ×1.5 at 1%).
 */
export function ruleScale(method: 'hnsw' | 'ivfflat', share: number): number {
  if (share >= HALF) return 1
  return (HALF / share) ** (method === 'hnsw' ? 0.4 : 0.1)
}
