import type { Collection, IndexTuning } from '../../index.js'
import { defineCommand, integer, recall } from '../command.js'
import { printJson, say, withClient, type Context } from '../context.js'
import { formatCount, formatSeconds } from '../format.js'
import { lazyProgress, phasedListener, startProgress } from '../progress-bar.js'

interface Options {
  target?: number
  queries?: number
  limit?: number
}

export const tune = defineCommand<Options>({
  name: 'tune',
  summary:
    "measure the index's recall against exact search and keep the cheapest ef_search or probes that reaches a target",
  args: [{ name: 'name', description: 'collection name' }],
  options: [
    {
      flags: '--target <recall>',
      description: 'recall@limit to reach, above 0 and below 1 (default 0.95)',
      parse: recall,
    },
    {
      flags: '--queries <n>',
      description: "sample queries, taken from the collection's rows, 10..10000 (default 200)",
      parse: integer,
    },
    {
      flags: '--limit <k>',
      description: 'the page size to tune for, 1..1000 (default 10)',
      parse: integer,
    },
  ],
  examples: ['vecs tune docs', 'vecs tune docs --target 0.99 --queries 500 --limit 20'],
  async run(ctx, [name], options) {
    const { tuning, ms } = await withClient(ctx, async (vx) =>
      measure(ctx, await vx.getCollection(name as string), options),
    )
    printJson(ctx, tuning)
    for (const line of summary(name as string, tuning, ms)) say(ctx, line)
  },
})

async function measure(ctx: Context, c: Collection, options: Options) {
  // Started by the first report: a collection without an index or rows is one line, the error.
  const progress = lazyProgress(() => startProgress(ctx, `tuning ${c.name}'s index`, 100))
  const started = performance.now()
  const tuning = await c.tune({
    targetRecall: options.target,
    queries: options.queries,
    limit: options.limit,
    onProgress: phasedListener(progress),
  })
  const ms = performance.now() - started
  progress.finish(`tuned in ${formatSeconds(ms)}`)
  return { tuning, ms }
}

/** What was kept and how it was measured; when no setting reached the target, what to do. */
function summary(name: string, t: IndexTuning, ms: number): string[] {
  const recall = t.recall.toFixed(3)
  const measured =
    `measured on ${formatCount(t.queries)} queries (limit ${t.limit}) against exact search ` +
    `over ${formatCount(t.rows)} rows in ${formatSeconds(ms)}`
  if (t.reached) {
    return [
      `${name}: ${t.setting} ${t.value} reaches recall ${recall} (target ${t.targetRecall}); queries use it from now on`,
      measured,
    ]
  }
  return [
    `${name}: no ${t.setting} reaches the target ${t.targetRecall}: the best, ${t.value}, gives recall ${recall}; queries use it from now on`,
    `rebuild the index with larger arguments (\`vecs index ${name} --help\`), or lower --target`,
    measured,
  ]
}
