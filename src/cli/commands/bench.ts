import { writeFile } from 'node:fs/promises'
import { ArgError, MEASURES, type Collection, type IndexInfo, type Measure } from '../../index.js'
import { defineCommand, integer, integers } from '../command.js'
import { printJson, say, withClient, type Context } from '../context.js'
import { measureQueries, type Measured } from '../measure.js'
import { plotRecallVsQps } from '../plot.js'
import { startProgress } from '../progress-bar.js'
import { formatCount, formatIndex, formatMs, formatTable } from '../format.js'

interface Options {
  queries: number
  limit: number
  measure?: Measure
  efSearch?: number[]
  probes?: number[]
  plot?: string
  seed: string
}

const EF_SEARCH = [10, 20, 40, 80, 160, 320]

export const bench = defineCommand<Options>({
  name: 'bench',
  summary: 'recall@k and latency of the index across efSearch or probes, against exact search',
  args: [{ name: 'name', description: 'collection name' }],
  options: [
    {
      flags: '--queries <n>',
      description: 'queries sampled from the collection',
      parse: integer,
      default: 100,
    },
    { flags: '--limit <k>', description: 'k of recall@k, 1..999', parse: integer, default: 10 },
    {
      flags: '--measure <measure>',
      description: "distance (default: the index's)",
      choices: MEASURES,
    },
    {
      flags: '--ef-search <list>',
      description: `HNSW values to sweep (default ${EF_SEARCH.join(',')})`,
      parse: integers,
    },
    {
      flags: '--probes <list>',
      description: 'IVFFlat values to sweep (default 1,2,4,… up to lists)',
      parse: integers,
    },
    { flags: '--plot <file.svg>', description: 'also draw recall against queries per second' },
    { flags: '--seed <text>', description: 'picks the sampled queries', default: 'vecs' },
  ],
  examples: ['vecs bench words', 'vecs bench words --ef-search 20,40,80 --plot recall.svg'],
  async run(ctx, [name], o) {
    if (o.queries < 1 || o.queries > 10_000) throw new ArgError('--queries must be from 1 to 10000')
    if (o.limit < 1 || o.limit > 999) throw new ArgError('--limit must be from 1 to 999')
    const report = await withClient(ctx, async (vx) =>
      sweep(ctx, await vx.getCollection(name as string), o),
    )
    printJson(ctx, report)
    say(
      ctx,
      `${report.collection}: ${formatCount(report.rows)} rows, ${formatIndex(report.index)}, ${report.queries} queries sampled, recall@${o.limit} against exact search`,
    )
    say(ctx)
    say(ctx, formatTable(['search', 'recall', 'p50', 'p99', 'QPS'], report.results.map(row)))
    if (o.plot) {
      await writeFile(o.plot, plot(report))
      say(ctx, `\nplot: ${o.plot}`)
    }
  },
})

interface Result extends Measured {
  /** `default`: no setting given, as an application's queries run (tuned, or vecs' fixed rules). */
  setting: 'exact' | 'efSearch' | 'probes' | 'default'
  /** The value swept; for `default`, the tuned value (null under fixed rules). */
  value: number | null
}

async function sweep(ctx: Context, c: Collection, o: Options) {
  const index = await c.getIndex()
  const measure = o.measure ?? index?.measure ?? 'cosine_distance'
  const setting =
    index === null || index.measure !== measure
      ? null
      : index.method === 'hnsw'
        ? 'efSearch'
        : 'probes'
  if (setting === null && (o.efSearch || o.probes))
    throw new ArgError(`collection "${c.name}" has no index for ${measure} to sweep`)
  if ((setting === 'efSearch' && o.probes) || (setting === 'probes' && o.efSearch))
    throw new ArgError(
      `the index is ${index?.method}: sweep ${setting === 'efSearch' ? '--ef-search' : '--probes'}`,
    )
  const sample = await c.sample(o.queries, { seed: o.seed })
  if (sample.length === 0) throw new ArgError(`collection "${c.name}" is empty`)
  const queries = sample.map((r) => r.vector)
  // A sampled query finds itself at distance 0 every time: leave it out of both answers.
  const nearest = async (
    i: number,
    extra: { exact?: boolean; efSearch?: number; probes?: number },
  ) =>
    (await c.query({ data: queries[i] as number[], limit: o.limit + 1, measure, ...extra }))
      .filter((id) => id !== sample[i]?.id)
      .slice(0, o.limit)
  const progress = startProgress(ctx, 'exact search (ground truth)', queries.length)
  const truth: string[][] = []
  for (let i = 0; i < queries.length; i++) {
    truth.push(await nearest(i, { exact: true }))
    progress.update(i + 1)
  }
  progress.finish(`ground truth for ${queries.length} queries`)
  const results: Result[] = [
    {
      setting: 'exact',
      value: null,
      ...(await measureQueries(queries, truth, (_, i) => nearest(i, { exact: true }))),
    },
  ]
  const values =
    setting === 'efSearch'
      ? (o.efSearch ?? EF_SEARCH)
      : setting === 'probes'
        ? (o.probes ?? probeSweep(index))
        : []
  for (const value of values) {
    const measured = await measureQueries(queries, truth, (_, i) =>
      nearest(i, { [setting as string]: value }),
    )
    results.push({ setting: setting as Result['setting'], value, ...measured })
  }
  const tuning = setting === null ? null : (await c.stats()).tuning
  if (setting !== null) {
    const measured = await measureQueries(queries, truth, (_, i) => nearest(i, {}))
    results.push({ setting: 'default', value: tuning?.value ?? null, ...measured })
  }
  return {
    collection: c.name,
    rows: await c.count(),
    index,
    measure,
    limit: o.limit,
    queries: queries.length,
    results,
  }
}

function probeSweep(index: IndexInfo | null): number[] {
  const lists = index?.method === 'ivfflat' ? index.nLists : 1
  const values = [1]
  while ((values.at(-1) as number) * 2 <= lists && values.length < 10)
    values.push((values.at(-1) as number) * 2)
  return values
}

function row(r: Result): string[] {
  return [label(r), r.recall.toFixed(3), formatMs(r.p50Ms), formatMs(r.p99Ms), formatCount(r.qps)]
}

/** `exact`, `efSearch=40`, or `default (tuned: efSearch=160)` / `default (fixed rules)`. */
function label(r: Result): string {
  if (r.setting === 'exact') return 'exact'
  if (r.setting !== 'default') return `${r.setting}=${r.value}`
  return r.value === null ? 'default (fixed rules)' : `default (tuned: ${r.value})`
}

function plot(report: Awaited<ReturnType<typeof sweep>>): string {
  const exact = report.results.filter((r) => r.setting === 'exact')
  const swept = report.results.filter((r) => r.setting === 'efSearch' || r.setting === 'probes')
  const defaults = report.results.filter((r) => r.setting === 'default')
  const point = (r: Result) => ({
    recall: r.recall,
    qps: r.qps,
    label: r.setting === 'exact' ? 'exact' : r.setting === 'default' ? label(r) : String(r.value),
  })
  return plotRecallVsQps(
    `${report.collection}: ${formatIndex(report.index)} (${report.queries} queries, k=${report.limit})`,
    [
      ...(swept.length
        ? [{ label: `${report.index?.method} (${swept[0]?.setting})`, points: swept.map(point) }]
        : []),
      { label: 'exact search', points: exact.map(point) },
      ...(defaults.length ? [{ label: "vecs' default", points: defaults.map(point) }] : []),
    ],
  )
}
