import type { Backend } from '../backend/backend.js'
import type { TableRef } from '../sql/tables.js'
import { executeCompiled } from '../sql/execute.js'
import { compile } from '../sql/fragment.js'
import { explain } from '../sql/nearest.js'
import { selectText, type TextQuery } from '../sql/text.js'
import { searchText } from '../text-search/text-query.js'
import type { TextIndexInfo } from '../text-types.js'
import type { CurrentIndex } from '../vector-index/read.js'
import { hybridResults, textResults } from './hybrid-results.js'
import type { SearchPlan, ServerFeatures } from './plan.js'
import type { CheckedQuery } from './query-options.js'
import { explainSearch, runSearch } from './run.js'

/** What a text query needs of its collection. */
export interface TextSearchParts {
  readonly db: Backend
  readonly table: TableRef
  readonly features: ServerFeatures
  readonly textIndex: TextIndexInfo
  /** Plans the vector side, as a plain query with these options, from the query's data. */
  readonly plan: (
    side: CheckedQuery,
  ) => Promise<{ plan: SearchPlan; index: CurrentIndex | null; vec: Uint8Array }>
  /** After a search on `index`: the collection's growth check (see growth.ts). */
  readonly searched: (index: CurrentIndex) => Promise<void>
}

/** A text query's statements: the vector side's plan (hybrid only) and the text side's query. */
interface Sides {
  readonly vector: { readonly plan: SearchPlan; readonly index: CurrentIndex | null } | null
  readonly text: TextQuery
}

/**
 * Plans a text query: the text side alone, or both. The vector side is planned exactly as a plain
 * query of `fusion.candidates` rows (its index, tuned settings and full pages); the text side ranks
 * as many rows whose text matches, with each one's distance to the query vector. Both sides take
 * the query's filter.
 */
async function planSides(
  parts: TextSearchParts,
  checked: CheckedQuery & { text: string },
): Promise<Sides> {
  const text = {
    source: parts.textIndex,
    text: checked.text,
    where: checked.filter?.condition ?? null,
    includeVector: checked.includeVector,
    includeMetadata: checked.includeMetadata,
  }
  if (checked.fusion === null) {
    return { vector: null, text: { ...text, limit: checked.limit, nearTo: null } }
  }
  const limit = checked.fusion.candidates
  const side = { ...checked, limit, includeValue: true, text: null, fusion: null }
  const { plan, index, vec } = await parts.plan(side)
  const nearTo = { vec, measure: checked.measure }
  return { vector: { plan, index }, text: { ...text, limit, nearTo } }
}

/** A query with `text`: the text side alone, or both sides and their fusion (see `planSides`). */
export async function textSearch(
  parts: TextSearchParts,
  checked: CheckedQuery & { text: string },
): Promise<unknown[]> {
  const { db, table } = parts
  const sides = await planSides(parts, checked)
  if (sides.vector === null) return textResults(await searchText(db, table, sides.text), checked)
  const { plan, index } = sides.vector
  const [vectorRows, textRows] = await Promise.all([
    runSearch(db, plan, sides.text.limit, parts.features),
    searchText(db, table, sides.text),
  ])
  if (index !== null) await parts.searched(index)
  return hybridResults(vectorRows, textRows, checked)
}

/**
 * The plans of a text query's statements, as `explain()` returns them: the vector side's (see
 * `explainSearch`) under `-- vector side`, then the text side's under `-- text side`, which shows
 * whether the text index serves it.
 */
export async function explainTextSearch(
  parts: TextSearchParts,
  checked: CheckedQuery & { text: string },
  analyze: boolean,
): Promise<string> {
  const sides = await planSides(parts, checked)
  const sections: string[] = []
  if (sides.vector !== null) {
    sections.push(`-- vector side\n${await explainSearch(parts.db, sides.vector.plan, analyze)}`)
  }
  const lines = await executeCompiled<{ 'QUERY PLAN': string }>(
    parts.db,
    explain(compile(selectText(parts.table, sides.text)), analyze),
  )
  sections.push(`-- text side\n${lines.map((line) => line['QUERY PLAN']).join('\n')}`)
  return sections.join('\n')
}
