import { ArgError } from '../errors.js'
import {
  chunkId,
  checkSkipDuringQuery,
  textOf,
  type AdapterContext,
  type AdapterRecord,
  type AdapterStep,
} from './adapter.js'

/** Options of `MarkdownChunker`. */
export interface MarkdownChunkerOptions {
  /** Pass query text through whole instead of chunking it (a query must adapt to one vector). */
  skipDuringQuery: boolean
  /** Split sections longer than this many space-separated tokens into several chunks. Default: no limit. */
  maxTokens?: number | undefined
}

/**
 * Splits markdown at headings (a line of 1–6 `#`, a space, then text) into one record per section,
 * with ids `<id>_head_000`, `<id>_head_001`, … and the record's metadata. Text before the first
 * heading is a section too; `#NoSpace` and `#######` are not headings. With `maxTokens`, a section
 * is further cut every `maxTokens` tokens separated by single spaces, as Python vecs counts them.
 *
 * @example
 * new Adapter([new MarkdownChunker({ skipDuringQuery: true, maxTokens: 200 }), new TextEmbedding()])
 */
export class MarkdownChunker implements AdapterStep {
  readonly skipDuringQuery: boolean
  readonly maxTokens: number

  constructor(options: MarkdownChunkerOptions) {
    this.skipDuringQuery = checkSkipDuringQuery(options, 'MarkdownChunker')
    this.maxTokens = checkMaxTokens(options.maxTokens)
  }

  async *run(
    records: AsyncIterable<AdapterRecord>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    if (context === 'query' && this.skipDuringQuery) return yield* records
    for await (const record of records) {
      const [id, , metadata] = record
      const chunks = splitMarkdown(textOf(record, 'MarkdownChunker'), this.maxTokens)
      for (const [i, chunk] of chunks.entries()) yield [chunkId(id, 'head', i), chunk, metadata]
    }
  }
}

/**
 * A heading line. Python vecs uses `^#{1,6}\s+.+$`, whose `\s` can reach across a line break
 * (`"#\ntext"` would be a heading); here the space must be on the heading's own line.
 */
const HEADING = /^#{1,6}[ \t]+.+$/gm

/** The sections of `markdown`, each cut into chunks of at most `maxTokens` tokens; blank chunks dropped. */
export function splitMarkdown(markdown: string, maxTokens = Infinity): string[] {
  const starts = [...markdown.matchAll(HEADING)].map((match) => match.index)
  if (starts[0] !== 0) starts.unshift(0)
  const sections = starts.map((start, i) => markdown.slice(start, starts[i + 1]))
  return sections.flatMap((section) => cutTokens(section, maxTokens))
}

function cutTokens(section: string, maxTokens: number): string[] {
  const tokens = section.split(' ')
  const chunks: string[] = []
  for (let i = 0; i < tokens.length; i += maxTokens) {
    const chunk = tokens.slice(i, i + maxTokens).join(' ')
    if (chunk.trim() !== '') chunks.push(chunk)
  }
  return chunks
}

function checkMaxTokens(maxTokens: unknown): number {
  if (maxTokens === undefined) return Infinity
  if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1) {
    throw new ArgError('maxTokens must be a positive integer')
  }
  return maxTokens as number
}
