import { ArgError, MEASURES, type Filter, type Measure, type QueryResult } from '../../index.js'
import { defineCommand, integer, json } from '../command.js'
import { printJson, say, withClient } from '../context.js'
import { formatTable } from '../format.js'

interface Options {
  vector?: unknown
  id?: string
  text?: string
  limit: number
  filter?: unknown
  measure: Measure
  efSearch?: number
  probes?: number
  rerank?: number
  exact?: boolean
}

export const query = defineCommand<Options>({
  name: 'query',
  summary:
    'the nearest records to a vector or a stored record (--id); by words (--text), or both fused',
  args: [{ name: 'name', description: 'collection name' }],
  options: [
    { flags: '--vector <json>', description: 'query vector as a JSON array', parse: json },
    { flags: '--id <id>', description: 'use the stored vector of this record' },
    {
      flags: '--text <words>',
      description:
        'search the text index for these words ("phrase", or, -word); with --vector or --id, a hybrid query',
    },
    { flags: '--limit <n>', description: 'rows to return, 1..1000', parse: integer, default: 10 },
    {
      flags: '--filter <json>',
      description: 'metadata filter, e.g. \'{"year":{"$gt":2000}}\'',
      parse: json,
    },
    {
      flags: '--measure <measure>',
      description: 'distance',
      choices: MEASURES,
      default: 'cosine_distance',
    },
    {
      flags: '--ef-search <n>',
      description: 'HNSW candidate list for this query, 1..1000',
      parse: integer,
    },
    { flags: '--probes <n>', description: 'IVFFlat lists to probe for this query', parse: integer },
    {
      flags: '--rerank <n>',
      description: 'a quantized index: pages of candidates to re-rank by exact distance, 1..100',
      parse: integer,
    },
    { flags: '--exact', description: 'rank every row, past any index' },
  ],
  examples: [
    'vecs query docs --vector "[0.1, 0.2, 0.3]" --limit 5',
    'vecs query words --id king --filter \'{"len":{"$lt":6}}\'',
    'vecs query docs --text "kitten care"',
    'vecs query docs --text "kitten care" --id doc7',
  ],
  async run(ctx, [name], o) {
    if (o.vector !== undefined && o.id !== undefined)
      throw new ArgError('query takes one of --vector or --id, not both')
    if (o.vector === undefined && o.id === undefined && o.text === undefined)
      throw new ArgError('query takes --vector, --id or --text (or --text with one of the others)')
    const rows = await withClient(ctx, async (vx) => {
      const c = await vx.getCollection(name as string)
      const data = o.id === undefined ? o.vector : await storedVector(c, o.id)
      return c.query({
        data: data as number[] | undefined,
        text: o.text,
        limit: o.limit,
        filters: o.filter as Filter | undefined,
        measure: o.measure,
        efSearch: o.efSearch,
        probes: o.probes,
        rerank: o.rerank,
        exact: o.exact ?? false,
        includeValue: true,
        includeMetadata: true,
      })
    })
    printJson(ctx, rows)
    const score =
      o.text === undefined ? o.measure : (o.vector ?? o.id) ? 'fused score' : 'text score'
    say(ctx, formatTable(['#', 'id', score, 'metadata'], rows.map(row)))
  },
})

async function storedVector(
  c: { fetch(ids: string[]): Promise<{ vector: number[] }[]> },
  id: string,
) {
  const [record] = await c.fetch([id])
  if (record === undefined) throw new ArgError(`no record with id "${id}"`)
  return record.vector
}

function row(r: QueryResult, i: number): string[] {
  const metadata = JSON.stringify(r.metadata ?? {})
  return [
    String(i + 1),
    r.id,
    (r.value as number).toFixed(4),
    metadata.length > 60 ? `${metadata.slice(0, 57)}…` : metadata,
  ]
}
