import { checkKeys, checkNumber, checkInteger, optionKeys } from '../checks.js'
import { ArgError } from '../errors.js'
import type { FusionOptions } from '../text-types.js'

/** Fusion options after every check. */
export interface CheckedFusion {
  readonly k: number
  /** Rows each side contributes, at least the page. */
  readonly candidates: number
  readonly vectorWeight: number
  readonly textWeight: number
}

/** Reciprocal Rank Fusion's usual constant: ranks far down a list still count, a little. */
const DEFAULT_RRF_K = 60
/** Rows per side by default: enough that a row ranked well on one side only still reaches the page. */
const DEFAULT_CANDIDATES = 40
const MAX_CANDIDATES = 1000

const FUSION_KEYS = optionKeys<FusionOptions>()({ k: true, candidates: true, weights: true })
const WEIGHT_KEYS = optionKeys<NonNullable<FusionOptions['weights']>>()({
  vector: true,
  text: true,
})

export function checkFusion(options: unknown, limit: number): CheckedFusion {
  if (options === undefined) options = {}
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ArgError('fusion takes an options object: { k?, candidates?, weights? }')
  checkKeys('fusion', options, FUSION_KEYS)
  const given = options as FusionOptions
  const weights = given.weights ?? {}
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights))
    throw new ArgError('fusion.weights takes { vector?, text? }')
  checkKeys('fusion.weights', weights, WEIGHT_KEYS)
  const vectorWeight = checkNumber('fusion.weights.vector', weights.vector ?? 1, { min: 0 })
  const textWeight = checkNumber('fusion.weights.text', weights.text ?? 1, { min: 0 })
  if (vectorWeight === 0 && textWeight === 0)
    throw new ArgError('fusion.weights cannot both be 0: nothing would rank the rows')
  return {
    k: checkNumber('fusion.k', given.k ?? DEFAULT_RRF_K, { min: 0 }),
    candidates: checkInteger(
      'fusion.candidates',
      given.candidates ?? Math.max(DEFAULT_CANDIDATES, limit),
      {
        min: limit,
        max: MAX_CANDIDATES,
      },
    ),
    vectorWeight,
    textWeight,
  }
}

/** A row of one side, as its statement returned it (id first; the columns the query asked for). */
export type SideRow = { id: string } & Record<string, unknown>

/** A row of the fused page: its score, where each side ranked it, and its columns. */
export interface FusedRow {
  readonly id: string
  readonly score: number
  /** 1-based rank on the vector side, and its distance; null where that side did not find it. */
  readonly vectorRank: number | null
  readonly distance: number | null
  /** 1-based rank on the text side, and its `ts_rank_cd` score; null likewise. */
  readonly textRank: number | null
  readonly textScore: number | null
  readonly row: SideRow
}

/**
 * Reciprocal Rank Fusion: each row scores Σ weight / (k + rank) over the sides that found it, and
 * the page is the `limit` best; ties go to the row with the better single rank, then to the id.
 * Ranks, not the sides' scores, are fused: a distance and a text rank have no common scale.
 */
export function fuse(
  vectorRows: readonly SideRow[],
  textRows: readonly SideRow[],
  fusion: CheckedFusion,
  limit: number,
): FusedRow[] {
  const fused = new Map<string, FusedRow>()
  vectorRows.forEach((row, i) => {
    fused.set(row.id, {
      id: row.id,
      score: fusion.vectorWeight / (fusion.k + i + 1),
      vectorRank: i + 1,
      distance: distanceOf(row),
      textRank: null,
      textScore: null,
      row,
    })
  })
  textRows.forEach((row, i) => {
    const score = fusion.textWeight / (fusion.k + i + 1)
    const textScore = typeof row.score === 'number' ? row.score : null
    const seen = fused.get(row.id)
    fused.set(
      row.id,
      seen === undefined
        ? {
            id: row.id,
            score,
            vectorRank: null,
            distance: distanceOf(row),
            textRank: i + 1,
            textScore,
            row,
          }
        : { ...seen, score: seen.score + score, textRank: i + 1, textScore },
    )
  })
  const best = (r: FusedRow) => Math.min(r.vectorRank ?? Infinity, r.textRank ?? Infinity)
  return [...fused.values()]
    .sort(
      (a, b) => b.score - a.score || best(a) - best(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .slice(0, limit)
}

/** A side's `value` column: the distance to the query vector, where the side measured it. */
function distanceOf(row: SideRow): number | null {
  return typeof row.value === 'number' ? row.value : null
}
