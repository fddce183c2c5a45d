import { Document, type DocumentInterface } from '@langchain/core/documents'
import type { EmbeddingsInterface } from '@langchain/core/embeddings'
import { maximalMarginalRelevance } from '@langchain/core/utils/math'
import { VectorStore, type MaxMarginalRelevanceSearchOptions } from '@langchain/core/vectorstores'
import type { Collection } from '../collection.js'
import { ArgError } from '../errors.js'
import { checkMeasure } from '../measures.js'
import type { Filter, Measure, Metadata } from '../types.js'

/** Options of `VecsVectorStore`. */
export interface VecsVectorStoreArgs {
  /** The collection documents are kept in; one with an adapter is written and read past it. */
  // Any metadata type and media: LangChain documents carry untyped metadata.
  collection: Collection<any, any>
  /** The metadata key a document's text is kept under. Default `'text'`. */
  textKey?: string | undefined
  /** The distance searches rank by; the collection's index should serve it. Default cosine. */
  measure?: Measure | undefined
}

/**
 * A LangChain.js vector store on a vecs collection: add documents (embedded by the store's
 * embeddings) or vectors, delete by ids or filter, similarity search with scores and vecs filters,
 * maximal marginal relevance, and `asRetriever()`. A document is one record: its text in the
 * metadata under `textKey`, beside its own metadata. Scores are vecs' similarity, higher for nearer
 * (cosine similarity by default).
 *
 * @example
 * import { VecsVectorStore } from 'vecs/langchain'
 * const store = new VecsVectorStore(embeddings, { collection: docs })
 * await store.addDocuments([{ pageContent: 'Cats sleep a lot.', metadata: { topic: 'cats' } }])
 * const hits = await store.similaritySearchWithScore('sleepy cats', 4, { topic: { $eq: 'cats' } })
 */
export class VecsVectorStore extends VectorStore {
  declare FilterType: Filter
  // Any metadata type and media: LangChain documents carry untyped metadata.
  readonly collection: Collection<any, any>
  readonly textKey: string
  readonly measure: Measure

  constructor(embeddings: EmbeddingsInterface, args: VecsVectorStoreArgs) {
    super(embeddings, args)
    if (typeof args !== 'object' || args === null || typeof args.collection !== 'object')
      throw new ArgError('VecsVectorStore needs { collection }: a vecs collection')
    this.collection = args.collection
    this.textKey = args.textKey ?? 'text'
    if (typeof this.textKey !== 'string' || this.textKey === '')
      throw new ArgError('textKey must be a non-empty string')
    this.measure = checkMeasure(args.measure ?? 'cosine_distance')
  }

  _vectorstoreType(): string {
    return 'vecs'
  }

  /** Embeds the documents' text and stores them; the ids given, the documents' own, or new UUIDs. */
  async addDocuments(
    documents: DocumentInterface[],
    options?: { ids?: string[] | undefined },
  ): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent))
    return this.addVectors(vectors, documents, options)
  }

  async addVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    options?: { ids?: string[] | undefined },
  ): Promise<string[]> {
    if (vectors.length !== documents.length)
      throw new ArgError(`${vectors.length} vectors for ${documents.length} documents`)
    const given = options?.ids
    if (given !== undefined && given.length !== documents.length)
      throw new ArgError(`${given.length} ids for ${documents.length} documents`)
    const ids = documents.map((doc, i) => given?.[i] ?? doc.id ?? globalThis.crypto.randomUUID())
    const records = documents.map(
      (doc, i) => [ids[i] as string, vectors[i] as number[], this.#stored(doc)] as const,
    )
    await this.collection.upsert(records, { skipAdapter: true })
    return ids
  }

  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: this['FilterType'],
  ): Promise<[DocumentInterface, number][]> {
    const rows = await this.collection.query({
      data: query,
      limit: k,
      measure: this.measure,
      ...(filter === undefined ? {} : { filters: filter }),
      includeMetadata: true,
      includeSimilarity: true,
      skipAdapter: true,
    })
    return rows.map((row) => [this.#document(row.id, row.metadata), row.similarity])
  }

  /**
   * `fetchK` nearest documents (20 by default), of which `k` are picked for relevance to the query
   * and difference from each other (`lambda`: 1 all relevance, 0 all difference; default 0.5).
   */
  override async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
  ): Promise<DocumentInterface[]> {
    const { k, fetchK = 20, lambda = 0.5, filter } = options
    const embedded = await this.embeddings.embedQuery(query)
    const rows = await this.collection.query({
      data: embedded,
      limit: Math.max(k, fetchK),
      measure: this.measure,
      ...(filter === undefined ? {} : { filters: filter }),
      includeMetadata: true,
      includeVector: true,
      skipAdapter: true,
    })
    const picked = maximalMarginalRelevance(
      embedded,
      rows.map((row) => Array.from(row.vector)),
      lambda,
      k,
    )
    return picked.map((i) => this.#document(rows[i]!.id, rows[i]!.metadata))
  }

  /** Deletes the documents with these ids, or those a (non-empty) vecs filter matches. */
  override async delete(params: { ids?: string[]; filter?: Filter }): Promise<void> {
    if (params?.ids !== undefined) await this.collection.delete({ ids: params.ids })
    else if (params?.filter !== undefined) await this.collection.delete({ filters: params.filter })
    else throw new ArgError('delete takes { ids } or { filter }')
  }

  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    args: VecsVectorStoreArgs,
  ): Promise<VecsVectorStore> {
    const documents = texts.map(
      (pageContent, i) =>
        new Document({
          pageContent,
          metadata: (Array.isArray(metadatas) ? metadatas[i] : metadatas) ?? {},
        }),
    )
    return VecsVectorStore.fromDocuments(documents, embeddings, args)
  }

  static override async fromDocuments(
    documents: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    args: VecsVectorStoreArgs,
  ): Promise<VecsVectorStore> {
    const store = new VecsVectorStore(embeddings, args)
    await store.addDocuments(documents)
    return store
  }

  /** The record's metadata: the document's own, and its text under `textKey`. */
  #stored(doc: DocumentInterface): Metadata {
    const metadata = (doc.metadata ?? {}) as Metadata
    if (Object.hasOwn(metadata, this.textKey)) {
      throw new ArgError(
        `document metadata has the key "${this.textKey}", where the store keeps the text: pick another textKey`,
      )
    }
    return { ...metadata, [this.textKey]: doc.pageContent }
  }

  #document(id: string, stored: Metadata): Document {
    const { [this.textKey]: text, ...metadata } = stored
    return new Document({ id, pageContent: typeof text === 'string' ? text : '', metadata })
  }
}
