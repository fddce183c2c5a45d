import type { IndexInfo, IndexTuning } from '../index.js'

/** Columns padded to their widest cell; numbers right-aligned. For people, not for scripts. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => NUMBER.test(r[i] ?? '')),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '─'.repeat(w)).join('  ')
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

const NUMBER = /^-?[\d,.]+( ?(ms|s|%|B|kB|MB|GB))?$|^—$/

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** `1 parallel worker`, `2 parallel workers`. */
export function formatWorkers(workers: number): string {
  return `${workers} parallel worker${workers === 1 ? '' : 's'}`
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** `hnsw cosine_distance m=16 ef_construction=64` (`, binary quantized`), or `none`. */
export function formatIndex(index: IndexInfo | null): string {
  if (index === null) return 'none'
  const args =
    index.method === 'hnsw'
      ? `m=${index.m} ef_construction=${index.efConstruction}`
      : `lists=${index.nLists}`
  const quantized = index.quantization === 'none' ? '' : `, ${index.quantization} quantized`
  return `${index.method} ${index.measure} ${args}${quantized}`
}

/** `ef_search 87: recall 0.962 (target 0.95) on 200 queries, 12,000 rows, 2026-12-06 22:00`. */
export function formatTuning(t: IndexTuning): string {
  const target = t.reached ? `target ${t.targetRecall}` : `target ${t.targetRecall}, not reached`
  return (
    `${shortSetting(t)} ${t.value}: recall ${t.recall.toFixed(3)} (${target}) ` +
    `on ${formatCount(t.queries)} queries, ${formatCount(t.rows)} rows, ${formatWhen(t.measuredAt)}`
  )
}

/**
 * How filters that match a share of the rows run, as tuning measured them:
 * `10%: ef_search 880 (recall 0.955, 23.5 ms); 1%: exact (index 0.907); exact search 113.9 ms`.
 */
export function formatFilteredTuning(t: IndexTuning): string {
  if (t.filtered === null) return '—'
  const shares = t.filtered.shares.map((s) => {
    const share = `${Number((100 * s.share).toPrecision(2))}%`
    return s.value === null
      ? `${share}: exact (index ${s.recall.toFixed(3)})`
      : `${share}: ${shortSetting(t)} ${s.value} (recall ${s.recall.toFixed(3)}, ${formatMs(s.ms)})`
  })
  const measured = shares.length === 0 ? 'not measured' : shares.join('; ')
  const rest = t.filtered.complete
    ? ''
    : '; sparser filters not measured at the build (run vecs tune)'
  return `${measured}; exact search ${formatMs(t.filtered.exactMs)}${rest}`
}

/** `ef_search` or `probes`, as `vecs query` and `vecs bench` name them. */
function shortSetting(t: IndexTuning): string {
  return t.setting === 'hnsw.ef_search' ? 'ef_search' : 'probes'
}

/** An ISO 8601 time as local `2026-12-06 22:00`. */
function formatWhen(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const two = (n: number) => String(n).padStart(2, '0')
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}`
  )
}
