/**
 * A typed collection, as a strict project writes one: metadata typed on upsert, fetch and query
 * results, filters typed from it, and the type inferred from a zod schema. Each `@ts-expect-error`
 * fails the compile if vecs' types stop rejecting the line under it.
 */
import { createClient, type Collection } from 'vecs'
import { z } from 'zod'

interface Doc {
  title: string
  year: number
  tags: string[]
  draft?: boolean
}

export async function typed(): Promise<void> {
  const vx = await createClient()
  const docs: Collection<Doc> = await vx.getOrCreateCollection<Doc>('docs', { dimension: 3 })
  await docs.upsert([['a', [1, 2, 3], { title: 'A', year: 2024, tags: ['x'] }]])
  await docs.upsert([
    { id: 'b', vector: [1, 2, 3], metadata: { title: 'B', year: 2025, tags: [] } },
  ])
  // @ts-expect-error: year is a number
  await docs.upsert([['c', [1, 2, 3], { title: 'C', year: '2025', tags: [] }]])
  // @ts-expect-error: title is required
  await docs.upsert([['d', [1, 2, 3], { year: 2025, tags: [] }]])

  const [first] = await docs.fetch(['a'])
  const title: string | undefined = first?.metadata.title
  const rows = await docs.query({ data: [1, 2, 3], includeMetadata: true })
  const year: number = rows[0]!.metadata.year

  await docs.query({ data: [1, 2, 3], filters: { year: { $gte: 2000 }, tags: { $contains: 'x' } } })
  await docs.query({
    data: [1, 2, 3],
    filters: { $or: [{ title: 'A' }, { draft: { $exists: true } }] },
  })
  await docs.delete({ filters: { year: { $in: [2024, 2025] } } })
  // @ts-expect-error: no such key
  await docs.query({ data: [1, 2, 3], filters: { titel: 'A' } })
  // @ts-expect-error: year compares with numbers
  await docs.query({ data: [1, 2, 3], filters: { year: { $gt: '2000' } } })
  // @ts-expect-error: tags hold strings
  await docs.query({ data: [1, 2, 3], filters: { tags: { $contains: 1 } } })

  // The metadata type comes from a Standard Schema (zod here), which upsert also checks at run time.
  const schema = z.object({ lang: z.enum(['en', 'fr']), words: z.number().int() })
  const texts = await vx.getOrCreateCollection('texts', { dimension: 3, metadataSchema: schema })
  await texts.upsert([['t', [1, 2, 3], { lang: 'en', words: 12 }]])
  // @ts-expect-error: not one of the languages
  await texts.upsert([['u', [1, 2, 3], { lang: 'de', words: 12 }]])
  const langs: ('en' | 'fr')[] = (await texts.fetch(['t'])).map((r) => r.metadata.lang)

  // An untyped collection takes any JSON metadata and any filter, checked at run time.
  const loose = await vx.getOrCreateCollection('loose', { dimension: 3 })
  await loose.upsert([['l', [1, 2, 3], { anything: { nested: [1, 'two'] } }]])
  await loose.query({ data: [1, 2, 3], filters: { anything: { $exists: true } } })
  console.log(title, year, langs)
  await vx.disconnect()
}
