/**
 * A user's project, as strict as TypeScript allows: `exactOptionalPropertyTypes`, no `@types/node`
 * (`types: []`, TypeScript 6 and later's default), vecs' declarations checked (`skipLibCheck`
 * off). test/types.test.ts compiles it against the built package with TypeScript 7 and 5.9; each
 * `@ts-expect-error` fails that compile if vecs' types stop rejecting the line under it.
 */
import {
  ArgError,
  createClient,
  IndexArgsHNSW,
  type Collection,
  type CreateIndexOptions,
  type IndexTuning,
  type PGliteTransactionLike,
  type QueryOptions,
  type QueryResult,
  type TextIndexInfo,
} from 'vecs'

declare const maybeNumber: number | undefined
declare const maybeBoolean: boolean | undefined
declare const transaction: PGliteTransactionLike

export async function quickstart(): Promise<void> {
  await using vx = await createClient(undefined, { schema: undefined })
  const docs: Collection = await vx.getOrCreateCollection('docs', { dimension: 3, type: undefined })
  await docs.upsert([['a', [1, 2, 3], { year: 2024 }]], { onProgress: undefined })
  await docs.upsert([{ id: 'b', vector: [1, 2, 3] }])

  // Optional settings may be passed as a variable that may be undefined.
  const ids: string[] = await docs.query({
    data: [1, 2, 3],
    limit: maybeNumber,
    efSearch: maybeNumber,
  })
  const rows: QueryResult[] = await docs.query({ data: [1, 2, 3], includeValue: true })
  const options: QueryOptions<number[]> = {
    data: [1, 2, 3],
    probes: maybeNumber,
    exact: maybeBoolean,
  }
  await docs.query(options)
  const index: CreateIndexOptions = {
    method: 'hnsw',
    indexArguments: IndexArgsHNSW({ m: 16 }),
    targetRecall: maybeNumber,
  }
  await docs.createIndex(index)
  const tuning: IndexTuning = await docs.tune({ targetRecall: 0.95, queries: maybeNumber })
  const share: number | undefined = tuning.filtered?.shares[0]?.share
  console.log(ids, rows, share)

  // @ts-expect-error: a limit is a number
  await docs.query({ data: [1, 2, 3], limit: '5' })
  // @ts-expect-error: a query needs data or text
  await docs.query({ limit: 5 })
  // @ts-expect-error: an unknown method
  await docs.createIndex({ method: 'flat' })
  // @ts-expect-error: a record is an id, a vector and metadata
  await docs.upsert([[1, [1, 2, 3]]])

  // Results follow the include flags: ids, rows with exactly the fields asked for, or either.
  const plain = await docs.query({ data: [1, 2, 3] })
  const plainIds: string[] = plain
  const off: string[] = await docs.query({ data: [1, 2, 3], includeValue: false })
  const scored = await docs.query({ data: [1, 2, 3], includeValue: true })
  const distance: number = scored[0]!.value
  // @ts-expect-error: metadata was not asked for
  console.log(scored[0]!.metadata.year)
  const full = await docs.query({ data: [1, 2, 3], includeMetadata: true, includeVector: true })
  const vector: number[] = full[0]!.vector
  console.log(full[0]!.metadata['year'], vector)
  const either = await docs.query({ data: [1, 2, 3], includeValue: maybeBoolean })
  // @ts-expect-error: with a boolean flag the result may be ids
  const notSurely: QueryResult[] = either
  const handled = either.map((r) => (typeof r === 'string' ? r : r.id))
  console.log(plainIds, off, distance, notSurely, handled)

  // Text and hybrid queries: `ranking` comes with includeValue on a query with text, only then.
  const info: TextIndexInfo = await docs.createTextIndex({ key: 'text', language: 'english' })
  const words: string[] = await docs.query({ text: 'kitten care' })
  const fused = await docs.query({ data: [1, 2, 3], text: 'kitten', includeValue: true })
  const textRank: number | null = fused[0]!.ranking.textRank
  // @ts-expect-error: a vector query has no ranking
  console.log(scored[0]!.ranking.textRank)
  // @ts-expect-error: fusion weights are numbers
  await docs.query({ data: [1, 2, 3], text: 'kitten', fusion: { weights: { text: 'high' } } })
  console.log(info.key, words, textRank)

  // queryMany: one result list per input, typed by the same flags.
  const many = await docs.queryMany({ data: [[1, 2, 3]], includeSimilarity: true })
  const similarity: number = many[0]![0]!.similarity
  const manyIds: string[][] = await docs.queryMany({ data: [[1, 2, 3]], limit: maybeNumber })
  // @ts-expect-error: queryMany takes a list of vectors, not one vector
  await docs.queryMany({ data: [1, 2, 3] })
  for await (const page of docs.scan({ pageSize: maybeNumber })) console.log(page.length)
  // A transaction handle of the user's: a node-postgres client or PGlite's tx, typed structurally.
  const inTx: Collection = docs.withTransaction(transaction)
  console.log(similarity, manyIds, await inTx.count())

  try {
    await docs.fetch(['a'])
  } catch (error) {
    if (error instanceof ArgError) console.log(error.code)
  }
}
