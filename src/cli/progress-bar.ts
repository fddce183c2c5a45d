import cliProgress from 'cli-progress'
import type { IndexProgress } from '../index.js'
import type { Context } from './context.js'
import { formatCount, formatWorkers } from './format.js'

/** Long work reported as it goes: a bar on a terminal, a plain line every few seconds otherwise. */
export interface Progress {
  /** `done` of `total` (bytes read, rows, percent); `rows` for the rate, where rows are counted. */
  update(done: number, rows?: number): void
  /** The step the work is in (a build's phase, a tuning's step): on the bar, or a line once. */
  phase(name: string): void
  /** Ends the report with one line. */
  finish(line: string): void
}

const PLAIN_EVERY_MS = 2000

/** `counted`: the work counts rows, so the bar shows rows and rows/s besides percent and ETA. */
export function startProgress(
  ctx: Context,
  label: string,
  total: number,
  { counted = false }: { counted?: boolean } = {},
): Progress {
  if (ctx.json) return { update: () => {}, phase: () => {}, finish: () => {} }
  return ctx.tty ? barProgress(ctx, label, total, counted) : plainProgress(ctx, label, total)
}

function barProgress(ctx: Context, label: string, total: number, counted: boolean): Progress {
  const started = Date.now()
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.stderr,
      format: counted
        ? `${label} {bar} {percentage}% | {rows} | {rate} | ETA {eta_formatted}`
        : `${label} {bar} {percentage}% | {duration_formatted}{phase}`,
      hideCursor: true,
      barsize: 30,
      etaBuffer: 20,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(Math.max(total, 1), 0, {
    ...rowsPayload(counted ? 0 : undefined, started),
    phase: '',
  })
  return {
    update: (done, rows) => bar.update(done, rowsPayload(rows, started)),
    phase: (name) => bar.update({ phase: ` | ${name}` }),
    finish: (line) => {
      bar.update(Math.max(total, 1))
      bar.stop()
      ctx.stderr.write(`${line}\n`)
    },
  }
}

function plainProgress(ctx: Context, label: string, total: number): Progress {
  const started = Date.now()
  let last = 0
  let phase = ''
  ctx.stderr.write(`${label}…\n`)
  return {
    update: (done, rows) => {
      const now = Date.now()
      if (now - last < PLAIN_EVERY_MS) return
      last = now
      const percent = total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 0
      const { rows: r, rate } = rowsPayload(rows, started)
      const step = phase === '' ? '' : `${phase} `
      ctx.stderr.write(
        `${label}: ${step}${percent}%${r ? `, ${r}` : ''}${rate ? `, ${rate}` : ''}\n`,
      )
    },
    phase: (name) => {
      if (name === phase) return
      phase = name
      last = Date.now() // the step's line says enough for now
      ctx.stderr.write(`${label}: ${name}\n`)
    },
    finish: (line) => void ctx.stderr.write(`${line}\n`),
  }
}

/**
 * A report that starts at its first update or phase: work that may be refused before it begins
 * (a bad argument) leaves no line behind, only the error's. `finish` says nothing if it never began.
 */
export function lazyProgress(start: () => Progress): Progress {
  let progress: Progress | undefined
  return {
    update: (done, rows) => (progress ??= start()).update(done, rows),
    phase: (name) => (progress ??= start()).phase(name),
    finish: (line) => progress?.finish(line),
  }
}

/**
 * A library `onProgress` (index build, tuning) shown on `progress`: each new phase is named (with
 * the parallel workers a server build runs) and starts at its percent, or 0%; a report without a
 * percent leaves the bar where it is.
 */
export function phasedListener(progress: Progress): (p: IndexProgress) => void {
  let current: string | null = null
  return ({ phase, percent, workers }) => {
    const label =
      workers === undefined || workers === 0 ? phase : `${phase} (${formatWorkers(workers)})`
    if (label !== current) {
      current = label
      progress.phase(label)
      if (percent === null) progress.update(0)
    }
    if (percent !== null) progress.update(percent)
  }
}

function rowsPayload(rows: number | undefined, started: number): { rows: string; rate: string } {
  if (rows === undefined) return { rows: '', rate: '' }
  const seconds = Math.max((Date.now() - started) / 1000, 0.001)
  return { rows: `${formatCount(rows)} rows`, rate: `${formatCount(rows / seconds)} rows/s` }
}
