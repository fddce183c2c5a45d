import type { Advice } from '../../index.js'
import { defineCommand } from '../command.js'
import { printJson, say, withClient } from '../context.js'
import {
  formatBytes,
  formatCount,
  formatFilteredTuning,
  formatIndex,
  formatTuning,
  formatWorkers,
} from '../format.js'

export const info = defineCommand({
  name: 'info',
  summary:
    'rows, dimension, type, vector index and its parameters, its tuning, sizes on disk, and advice',
  args: [{ name: 'name', description: 'collection name' }],
  async run(ctx, [name]) {
    const { c, stats } = await withClient(ctx, async (vx) => {
      const c = await vx.getCollection(name as string)
      return { c, stats: await c.stats() }
    })
    printJson(ctx, { name: c.name, dimension: c.dimension, type: c.type, ...stats })
    const lines: [string, string][] = [
      ['collection', `${c.schema}.${c.name}`],
      ['rows', formatCount(stats.rows)],
      ['dimension', String(c.dimension)],
      ['type', c.type],
      [
        'distributed',
        stats.distributed === null ? '—' : `Citus, ${stats.distributed.shardCount} shards`,
      ],
      ['index', formatIndex(stats.index)],
      ['index name', stats.index?.name ?? '—'],
      [
        'built on',
        stats.rowsAtIndexBuild === null
          ? '—'
          : `${formatCount(stats.rowsAtIndexBuild)} rows${workersRan(stats.workersAtIndexBuild)}`,
      ],
      ['tuned', stats.tuning === null ? '—' : formatTuning(stats.tuning)],
      ['filtered', stats.tuning === null ? '—' : formatFilteredTuning(stats.tuning)],
      ['table size', formatBytes(stats.tableBytes)],
      ['index size', stats.vectorIndexBytes === null ? '—' : formatBytes(stats.vectorIndexBytes)],
      [
        'text index',
        stats.textIndex === null
          ? '—'
          : `metadata "${stats.textIndex.key}", ${stats.textIndex.language}, ${formatBytes(stats.textIndexBytes ?? 0)}`,
      ],
      ['all indexes', formatBytes(stats.indexBytes)],
    ]
    for (const [key, value] of lines) say(ctx, `${key.padEnd(12)} ${value}`)
    for (const advice of stats.advice) say(ctx, `advice       ${adviceLine(advice, c.name)}`)
  },
})

/** `, 2 parallel workers` where the build ran any. */
function workersRan(workers: number | null): string {
  return workers === null || workers === 0 ? '' : `, ${formatWorkers(workers)}`
}

/** The library's advice, worded from its numbers as the command that follows it. */
function adviceLine(advice: Advice, name: string): string {
  switch (advice.code) {
    case 'VECS_NO_COVERING_INDEX':
      return `no vector index: every query ranks all ${advice.rows} rows; build one with \`vecs index ${name}\``
    case 'VECS_REINDEX_ADVISED':
      if ('target' in advice)
        return `the index reaches recall ${advice.recall.toFixed(3)} at best, short of the target ${advice.target}: rebuild it with larger arguments (\`vecs index ${name} --help\`)`
      return `the IVFFlat index was built on ${advice.builtRows} rows and the collection has ${advice.rows}: rebuild it with \`vecs index ${name} --reindex\``
    case 'VECS_IVFFLAT_LOW_DATA':
      return `the IVFFlat index was built on ${advice.builtRows} rows for ${advice.lists} lists: rebuild it with \`vecs index ${name} --reindex\` once the data is loaded`
    case 'VECS_RETUNE_ADVISED':
      return advice.tunedRows === null
        ? `the index was not tuned when it was built: tune it with \`vecs tune ${name}\``
        : `the index was tuned on ${advice.tunedRows} rows and the collection has ${advice.rows}: tune it again with \`vecs tune ${name}\``
  }
}
