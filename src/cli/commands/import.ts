import {
  ArgError,
  MismatchedDimension,
  VECTOR_TYPES,
  type Client,
  type Collection,
  type RecordTuple,
  type VectorType,
} from '../../index.js'
import { defineCommand, integer } from '../command.js'
import { readableFile } from '../readers/readable.js'
import { findCollection, printJson, say, withClient, type Context } from '../context.js'
import { startProgress } from '../progress-bar.js'
import { readBinary, type BinaryLayout } from '../readers/binary.js'
import { readCsv } from '../readers/csv.js'
import { readJsonl } from '../readers/jsonl.js'
import { readNpyLayout } from '../readers/npy.js'
import {
  FORMATS,
  formatOf,
  type Format,
  type ReadPosition,
  type ReadRecord,
} from '../readers/source.js'
import { formatCount, formatSeconds } from '../format.js'

interface Options {
  format?: Format
  ids?: string
  dim?: number
  type?: VectorType
  rebuildIndex?: (typeof REBUILD_CHOICES)[number]
}

const REBUILD_CHOICES = ['auto', 'always', 'never'] as const

export const importCommand = defineCommand<Options>({
  name: 'import',
  summary:
    'load records from a file (JSONL, CSV, raw float32 or .npy), creating the collection if needed',
  args: [
    { name: 'name', description: 'collection name' },
    { name: 'file', description: 'records: .jsonl, .csv, .f32 or .npy' },
  ],
  options: [
    {
      flags: '--format <format>',
      description: 'file format (default: from the extension)',
      choices: FORMATS,
    },
    {
      flags: '--ids <file>',
      description: 'f32/npy: ids one a line, in row order (default: row numbers)',
    },
    {
      flags: '--dim <n>',
      description: "f32: values a row (default: the collection's dimension)",
      parse: integer,
    },
    {
      flags: '--type <type>',
      description: 'vector type of a new collection',
      choices: VECTOR_TYPES,
    },
    {
      flags: '--rebuild-index <when>',
      description:
        'load first and build the vector index after: auto (a large load), always or never',
      choices: REBUILD_CHOICES,
    },
  ],
  examples: [
    'vecs import docs docs.jsonl      # {"id": "a", "vector": [0.1, …], "metadata": {…}} a line',
    'vecs import docs docs.csv        # header: id,vector,metadata (other columns → metadata)',
    'vecs import words glove.f32 --dim 100 --ids words.txt',
    'vecs import words embeddings.npy --ids words.txt',
  ],
  async run(ctx, [name, file], options) {
    const path = file as string
    const size = await readableFile(path, 'the input')
    if (options.ids !== undefined) await readableFile(options.ids, '--ids')
    const format = options.format ?? formatOf(path)
    if (format === null)
      throw new ArgError(`cannot tell the format of ${path}: give --format (${FORMATS.join(', ')})`)
    const result = await withClient(ctx, (vx) =>
      load(ctx, vx, name as string, { path, size, format, options }),
    )
    printJson(ctx, { name, ...result, ms: Math.round(result.ms) })
    say(
      ctx,
      `imported ${formatCount(result.rows)} rows into ${name} in ${formatSeconds(result.ms)}`,
    )
  },
})

interface Input {
  path: string
  size: number
  format: Format
  options: Options
}

/** One upsert call: all of the file or none of it; a collection this import created goes again on failure. */
async function load(ctx: Context, vx: Client, name: string, input: Input) {
  const existing = await findCollection(vx, name)
  const position: ReadPosition = { bytes: 0 }
  const source = await open(input, existing?.dimension ?? input.options.dim, position)
  const first = await source.next()
  const dimension = input.options.dim ?? existing?.dimension ?? first.value?.vector.length
  if (dimension === undefined) throw new ArgError(`${input.path} holds no records`)
  const c: Collection = await vx.getOrCreateCollection(name, {
    dimension,
    type: input.options.type,
  })
  const progress = startProgress(ctx, `importing into ${name}`, input.size, { counted: true })
  const started = performance.now()
  let rows = 0
  try {
    await c.upsert(checked(first, source, c.dimension), {
      onProgress: (written) => progress.update(position.bytes, (rows = written)),
      rebuildIndex: REBUILD[input.options.rebuildIndex ?? 'auto'],
    })
  } catch (error) {
    if (existing === null) await vx.deleteCollection(name)
    throw error
  }
  const ms = performance.now() - started
  progress.finish(
    `${formatCount(rows)} rows, ${formatCount(rows / Math.max(ms / 1000, 0.001))} rows/s`,
  )
  return { rows, dimension: c.dimension, format: input.format, ms }
}

const REBUILD = { auto: 'auto', always: true, never: false } as const

async function open(input: Input, dimension: number | undefined, position: ReadPosition) {
  switch (input.format) {
    case 'jsonl':
      return readJsonl(input.path, position)
    case 'csv':
      return readCsv(input.path, position)
    case 'npy':
      return readBinary(input.path, await readNpyLayout(input.path), input.options.ids, position)
    case 'f32':
      return readBinary(input.path, f32Layout(input.size, dimension), input.options.ids, position)
  }
}

function f32Layout(size: number, dimension: number | undefined): BinaryLayout {
  if (dimension === undefined)
    throw new ArgError('a raw float32 file needs --dim (or an existing collection to load into)')
  if (size % (4 * dimension) !== 0)
    throw new ArgError(`the file's ${size} bytes are not whole rows of ${dimension} float32 values`)
  return { offset: 0, rows: size / (4 * dimension), dimension, bytesPerValue: 4 }
}

/** Records as tuples, each vector's length checked where it was read, so the error names the line. */
async function* checked(
  first: IteratorResult<ReadRecord>,
  rest: AsyncIterator<ReadRecord>,
  dimension: number,
): AsyncGenerator<RecordTuple> {
  for (let next = first; !next.done; next = await rest.next()) {
    const r = next.value
    if (r.vector.length !== dimension)
      throw new MismatchedDimension(
        `${r.where}: expected ${dimension} dimensions, got ${r.vector.length}`,
      )
    yield [r.id, r.vector, r.metadata]
  }
}
