import type { Queryable } from '../backend/backend.js'
import { execute } from '../sql/execute.js'
import { selectText, type TextQuery } from '../sql/text.js'
import type { TableRef } from '../sql/tables.js'
import type { SideRow } from './fusion.js'

/** A row of the text side: its `ts_rank_cd` score, and the distance when a vector was given. */
export type TextRow = SideRow & {
  score: number
  value?: number
  vector?: string
  metadata?: string
}

/** The rows whose text matches the query's words, best first (see `selectText`). */
export function searchText(db: Queryable, table: TableRef, q: TextQuery): Promise<TextRow[]> {
  return execute<TextRow>(db, selectText(table, q))
}
