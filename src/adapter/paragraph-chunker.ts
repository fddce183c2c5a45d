import {
  chunkId,
  checkSkipDuringQuery,
  textOf,
  type AdapterContext,
  type AdapterRecord,
  type AdapterStep,
} from './adapter.js'

/** Options of `ParagraphChunker`. */
export interface ParagraphChunkerOptions {
  /** Pass query text through whole instead of chunking it (a query must adapt to one vector). */
  skipDuringQuery: boolean
}

/**
 * Splits text at blank lines (`"\n\n"`) into one record per paragraph, with ids `<id>_para_000`,
 * `<id>_para_001`, … and the record's metadata. Paragraphs that are empty or only whitespace are
 * dropped. As Python vecs' `ParagraphChunker`.
 *
 * @example
 * new Adapter([new ParagraphChunker({ skipDuringQuery: true }), new TextEmbedding()])
 */
export class ParagraphChunker implements AdapterStep {
  readonly skipDuringQuery: boolean

  constructor(options: ParagraphChunkerOptions) {
    this.skipDuringQuery = checkSkipDuringQuery(options, 'ParagraphChunker')
  }

  async *run(
    records: AsyncIterable<AdapterRecord>,
    context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    if (context === 'query' && this.skipDuringQuery) return yield* records
    for await (const record of records) {
      const [id, , metadata] = record
      const paragraphs = splitParagraphs(textOf(record, 'ParagraphChunker'))
      for (const [i, paragraph] of paragraphs.entries()) {
        yield [chunkId(id, 'para', i), paragraph, metadata]
      }
    }
  }
}

/** The paragraphs of `text`, split at `"\n\n"`, without empty or whitespace-only ones. */
export function splitParagraphs(text: string): string[] {
  return text.split('\n\n').filter((paragraph) => paragraph.trim() !== '')
}
