/** The public types of text and hybrid search (see `createTextIndex` and `query({ text })`). */

/** How a hybrid query fuses its rankings: Reciprocal Rank Fusion, Σ weight / (k + rank). */
export interface FusionOptions {
  /** RRF's constant, ≥ 0: larger flattens the difference between ranks. Default 60. */
  k?: number | undefined
  /** Rows each side ranks before fusing, limit..1000. Default max(40, limit). */
  candidates?: number | undefined
  /** Each side's weight, ≥ 0 (not both 0). Default 1 and 1. */
  weights?: { vector?: number | undefined; text?: number | undefined } | undefined
}

/** Where each side of a text or hybrid query placed a row (`includeValue`); null where it did not. */
export interface Ranking {
  /** 1-based rank among the vector side's candidates. */
  vectorRank: number | null
  /** The distance to the query vector (every row of a hybrid query has one). */
  distance: number | null
  /** 1-based rank among the text side's matches. */
  textRank: number | null
  /** `ts_rank_cd` of the row's text for the query's words. */
  textScore: number | null
}

/** Options of `collection.createTextIndex`. */
export interface TextIndexOptions {
  /** The metadata key whose string value is the text. Default `'text'`. */
  key?: string | undefined
  /** The text search configuration: stemming and stop words. Default `'english'`. */
  language?: string | undefined
}

/** A collection's text index, as `getTextIndex()` reports it. */
export interface TextIndexInfo {
  readonly name: string
  readonly key: string
  readonly language: string
}
