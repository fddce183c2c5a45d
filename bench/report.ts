/**
 * How a benchmark of rows (one object per row, the same keys in each) is reported: printed as a
 * markdown table and saved as JSON and markdown under bench/results/, stamped with the time.
 */
import { mkdirSync, writeFileSync } from 'node:fs'

export type ReportRow = Record<string, string | number | boolean | null>

export function saveReport(name: string, rows: readonly ReportRow[]): void {
  const header = Object.keys(rows[0] ?? {})
  const table = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${header.map((h) => String(r[h] ?? '—')).join(' | ')} |`),
  ].join('\n')
  console.log(table)
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  const stamp = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`
  writeFileSync(new URL(`./results/${stamp}.json`, import.meta.url), JSON.stringify(rows, null, 2))
  writeFileSync(new URL(`./results/${stamp}.md`, import.meta.url), `${table}\n`)
}

/** `x` to `digits` decimals, as a number. */
export function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits))
}

/** Progress on stderr, so that stdout keeps the table. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`)
}
