import {
  ArgError,
  IndexArgsHNSW,
  IndexArgsIVFFlat,
  INDEX_METHODS,
  MEASURES,
  QUANTIZATIONS,
  type Collection,
  type IndexArgs,
  type IndexMethod,
  type Measure,
  type Quantization,
} from '../../index.js'
import { defineCommand, integer, recall } from '../command.js'
import { printJson, say, withClient, type Context } from '../context.js'
import { phasedListener, startProgress } from '../progress-bar.js'
import { formatIndex, formatSeconds, formatTuning } from '../format.js'

interface Options {
  method: IndexMethod
  measure: Measure
  m?: number
  efConstruction?: number
  lists?: number
  reindex?: boolean
  target?: number
  /** False under `--no-tune`. */
  tune: boolean
  textKey?: string
  language?: string
  parallelWorkers?: number
  quantization: Quantization
}

export const buildIndex = defineCommand<Options>({
  name: 'index',
  summary: "build the collection's vector index (replacing the current one), with build progress",
  args: [{ name: 'name', description: 'collection name' }],
  options: [
    {
      flags: '--method <method>',
      description: 'auto picks HNSW; --m/--ef-construction imply hnsw, --lists ivfflat',
      choices: INDEX_METHODS,
      default: 'auto',
    },
    {
      flags: '--measure <measure>',
      description: 'distance the index serves',
      choices: MEASURES,
      default: 'cosine_distance',
    },
    { flags: '--m <n>', description: 'HNSW links per node, 2..100 (default 16)', parse: integer },
    {
      flags: '--ef-construction <n>',
      description: 'HNSW build candidate list, 4..1000, ≥ 2·m (default 64)',
      parse: integer,
    },
    {
      flags: '--lists <n>',
      description: 'IVFFlat lists (default: rows/1000, at least 30; sqrt(rows) from 1M rows)',
      parse: integer,
    },
    {
      flags: '--reindex',
      description: 'rebuild the current index with its method and arguments (fresh IVFFlat lists)',
    },
    {
      flags: '--target <recall>',
      description:
        'recall@10 to tune the built index to, above 0 and below 1 (default 0.95; see vecs tune)',
      parse: recall,
    },
    {
      flags: '--no-tune',
      description: 'skip tuning after the build: queries use fixed ef_search / probes rules',
    },
    {
      flags: '--quantization <kind>',
      description:
        'what the index stores: none, halfvec (half the size, up to 4000 dims) or binary (bits, re-ranked)',
      choices: QUANTIZATIONS,
      default: 'none',
    },
    {
      flags: '--parallel-workers <n>',
      description:
        "server: most parallel workers for the build, 0..64 (default: the server's max_parallel_workers - 1)",
      parse: integer,
    },
    {
      flags: '--text-key <key>',
      description:
        'build the text index instead, on this metadata key (for vecs query --text; replaces the current one)',
    },
    {
      flags: '--language <config>',
      description: 'with --text-key: the text search configuration (default english)',
    },
  ],
  examples: [
    'vecs index docs',
    'vecs index docs --method hnsw --m 32 --ef-construction 128',
    'vecs index docs --method ivfflat --measure l2_distance --lists 200',
    'vecs index docs --reindex',
    'vecs index docs --target 0.99',
    'vecs index docs --quantization binary',
    'vecs index docs --parallel-workers 1',
    'vecs index docs --text-key text',
  ],
  async run(ctx, [name], options) {
    if (options.textKey !== undefined || options.language !== undefined) {
      await buildTextIndex(ctx, name as string, options)
      return
    }
    if (options.target !== undefined && !options.tune)
      throw new ArgError('--target sets the recall to tune to, --no-tune skips tuning: give one')
    const { result, tuning, ms } = await withClient(ctx, async (vx) => {
      const c = await vx.getCollection(name as string)
      return build(ctx, c, options)
    })
    printJson(ctx, { name, index: result, tuning, buildMs: Math.round(ms) })
    say(ctx, `${name}: ${formatIndex(result)} (${result?.name}) built in ${formatSeconds(ms)}`)
    if (tuning !== null) say(ctx, `${name}: tuned ${formatTuning(tuning)}`)
  },
})

async function build(ctx: Context, c: Collection, options: Options) {
  const targetRecall = options.tune ? options.target : null
  const progress = startProgress(ctx, `building ${c.name}'s index`, 100)
  const onProgress = phasedListener(progress)
  const started = performance.now()
  const parallelWorkers = options.parallelWorkers
  if (options.reindex) await c.reindex({ onProgress, targetRecall, parallelWorkers })
  else {
    const indexArguments = indexArgs(options)
    await c.createIndex({
      method: options.method === 'auto' && indexArguments ? indexArguments.method : options.method,
      measure: options.measure,
      indexArguments,
      onProgress,
      targetRecall,
      parallelWorkers,
      quantization: options.quantization,
    })
  }
  const ms = performance.now() - started
  progress.finish(`built in ${formatSeconds(ms)}`)
  return { result: await c.getIndex(), tuning: (await c.stats()).tuning, ms }
}

function indexArgs(o: Options): IndexArgs | undefined {
  const hnsw = o.m !== undefined || o.efConstruction !== undefined
  if (hnsw && o.lists !== undefined)
    throw new ArgError(
      '--m and --ef-construction are HNSW arguments, --lists is IVFFlat: give one kind',
    )
  if (hnsw) return IndexArgsHNSW({ m: o.m, efConstruction: o.efConstruction })
  return o.lists === undefined ? undefined : IndexArgsIVFFlat({ nLists: o.lists })
}

async function buildTextIndex(ctx: Context, name: string, o: Options): Promise<void> {
  if (o.textKey === undefined) throw new ArgError('--language goes with --text-key')
  const quantized = o.quantization === 'none' ? undefined : o.quantization
  const vectorOnly = [
    o.m,
    o.efConstruction,
    o.lists,
    o.reindex,
    o.target,
    o.parallelWorkers,
    quantized,
  ]
  if (vectorOnly.some((value) => value !== undefined))
    throw new ArgError('--text-key builds the text index: vector index options do not apply')
  const { index, ms } = await withClient(ctx, async (vx) => {
    const c = await vx.getCollection(name)
    const started = performance.now()
    const index = await c.createTextIndex({ key: o.textKey, language: o.language })
    return { index, ms: performance.now() - started }
  })
  printJson(ctx, { name, textIndex: index, buildMs: Math.round(ms) })
  say(
    ctx,
    `${name}: text index on metadata "${index.key}" (${index.language}, ${index.name}) built in ${formatSeconds(ms)}`,
  )
}
