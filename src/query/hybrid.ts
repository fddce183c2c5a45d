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

/**
 * A query with `text`: the text side alone, or both sides and their fusion. The vector side is
 * planned and run exactly as a plain query of `fusion.candidates` rows (its index, tuned settings
 * and full pages); the text side ranks the rows whose text matches, with each one's distance to
 * the query vector. Both sides take the query's filter.
 */
export async function textSearch(
  parts: TextSearchParts,
  checked: CheckedQuery & { text: string },
): Promise<unknown[]> {
  const { db, table } = parts
  const textQuery = textSide(parts, checked)
  if (checked.fusion === null) {
    const rows = await searchText(db, table, { ...textQuery, limit: checked.limit, nearTo: null })
    return textResults(rows, checked)
  }
  const candidates = checked.fusion.candidates
  const side = { ...checked, limit: candidates, includeValue: true, text: null, fusion: null }
  const { plan, index, vec } = await parts.plan(side)
  const nearTo = { vec, measure: checked.measure }
  const [vectorRows, textRows] = await Promise.all([
    runSearch(db, plan, candidates, parts.features),
    searchText(db, table, { ...textQuery, limit: candidates, nearTo }),
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
  const sections: string[] = []
  let nearTo: TextQuery['nearTo'] = null
  const limit = checked.fusion?.candidates ?? checked.limit
  if (checked.fusion !== null) {
    const side = { ...checked, limit, includeValue: true, text: null, fusion: null }
    const { plan, vec } = await parts.plan(side)
    nearTo = { vec, measure: checked.measure }
    sections.push(`-- vector side\n${await explainSearch(parts.db, plan, analyze)}`)
  }
  const text = selectText(parts.table, { ...textSide(parts, checked), limit, nearTo })
  const lines = await executeCompiled<{ 'QUERY PLAN': string }>(
    parts.db,
    explain(compile(text), analyze),
  )
  sections.push(`-- text side\n${lines.map((line) => line['QUERY PLAN']).join('\n')}`)
  return sections.join('\n')
}

function textSide(parts: TextSearchParts, checked: CheckedQuery & { text: string }) {
  return {
    source: parts.textIndex,
    text: checked.text,
    where: checked.filter?.condition ?? null,
    includeVector: checked.includeVector,
    includeMetadata: checked.includeMetadata,
  }
}
