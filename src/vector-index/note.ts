/**
 * What vecs remembers about an index build, kept in the index's COMMENT so it survives restarts
 * and is seen by every client: the rows the collection had, and whether the lists were chosen by
 * vecs (then `reindex()` chooses them afresh). Written as `vecs rows=12000 lists=auto`.
 */
export interface BuildNote {
  readonly rows: number
  readonly autoLists: boolean
}

export function formatBuildNote(note: BuildNote): string {
  return `vecs rows=${Math.round(note.rows)} lists=${note.autoLists ? 'auto' : 'given'}`
}

/** Reads a note written by `formatBuildNote`; null for any other comment (or none). */
export function parseBuildNote(comment: string | null): BuildNote | null {
  const match = comment === null ? null : /^vecs rows=(\d+) lists=(auto|given)$/.exec(comment)
  return match ? { rows: Number(match[1]), autoLists: match[2] === 'auto' } : null
}
