import { scaleLinear, scaleLog } from 'd3-scale'
import { line } from 'd3-shape'

/** One curve of a recall-vs-QPS chart: a sweep of one setting, each point labelled with its value. */
export interface Series {
  label: string
  points: readonly { recall: number; qps: number; label: string }[]
}

const WIDTH = 760
const HEIGHT = 480
const MARGIN = { top: 48, right: 160, bottom: 56, left: 72 }
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e']

/**
 * The chart ANN benchmarks draw: recall on x, queries per second on a log y axis, up and to the
 * right is better. A standalone SVG document.
 */
export function plotRecallVsQps(title: string, series: readonly Series[]): string {
  const points = series.flatMap((s) => s.points)
  const minRecall = Math.min(...points.map((p) => p.recall), 0.9)
  const qps = points.map((p) => p.qps)
  const x = scaleLinear()
    .domain([Math.max(0, Math.floor(minRecall * 20) / 20), 1])
    .range([MARGIN.left, WIDTH - MARGIN.right])
  const y = scaleLog()
    .domain([Math.min(...qps) / 1.3, Math.max(...qps) * 1.3])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top])
    .nice()
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escape(title)}</text>`,
    ...xAxis(x),
    ...yAxis(y),
    ...series.flatMap((s, i) => curve(s, COLORS[i % COLORS.length] as string, x, y, i)),
    '</svg>',
  ]
  return parts.join('\n') + '\n'
}

type Scale = (value: number) => number

function xAxis(x: ReturnType<typeof scaleLinear<number, number>>): string[] {
  const bottom = HEIGHT - MARGIN.bottom
  return [
    ...x
      .ticks(8)
      .flatMap((t) => [
        `<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top}" y2="${bottom}" stroke="#e5e5e5"/>`,
        `<text x="${x(t)}" y="${bottom + 18}" text-anchor="middle">${x.tickFormat(8)(t)}</text>`,
      ]),
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 16}" text-anchor="middle">recall@k (against exact search)</text>`,
  ]
}

function yAxis(y: ReturnType<typeof scaleLog<number, number>>): string[] {
  const ticks = y.ticks(6)
  const format = y.tickFormat(6, ',.0f')
  return [
    ...ticks.flatMap((t) => {
      const label = format(t)
      return label === ''
        ? []
        : [
            `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`,
            `<text x="${MARGIN.left - 8}" y="${y(t) + 4}" text-anchor="end">${label}</text>`,
          ]
    }),
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="#333"/>`,
    `<text transform="translate(18 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">queries per second (log scale)</text>`,
  ]
}

function curve(s: Series, color: string, x: Scale, y: Scale, i: number): string[] {
  const path = line<{ recall: number; qps: number }>()
    .x((p) => x(p.recall))
    .y((p) => y(p.qps))([...s.points])
  const legendY = MARGIN.top + 8 + i * 20
  const legendX = WIDTH - MARGIN.right + 16
  return [
    `<path d="${path ?? ''}" fill="none" stroke="${color}" stroke-width="2"/>`,
    ...s.points.flatMap((p) => [
      `<circle cx="${x(p.recall)}" cy="${y(p.qps)}" r="3.5" fill="${color}"/>`,
      `<text x="${x(p.recall) + 5}" y="${y(p.qps) - 6}" font-size="10" fill="${color}">${escape(p.label)}</text>`,
    ]),
    `<line x1="${legendX}" x2="${legendX + 18}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
    `<text x="${legendX + 24}" y="${legendY + 4}">${escape(s.label)}</text>`,
  ]
}

function escape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
