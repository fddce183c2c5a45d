/**
 * Text and hybrid search: the text index, ranking on a small real retrieval set whose answers are
 * known (test/support/retrieval-sample.json: Webster's definitions searched by WordNet's glosses and
 * by queries that name the word), filters on both sides, hostile text, and every bad input.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, test } from 'node:test'
import { Adapter, ArgError, TextEmbedding, type Collection } from '../src/index.js'
import { describeEachBackend } from './backends.js'

interface SampleQuery {
  id: string
  kind: 'gloss' | 'named'
  text: string
  answer: string
  sharedLexemes?: number
}
const sample = JSON.parse(
  readFileSync(new URL('./support/retrieval-sample.json', import.meta.url), 'utf8'),
) as { documents: { id: string; text: string }[]; queries: SampleQuery[] }

/** The sample embedded once per process by the bundled model (Universal Sentence Encoder lite). */
const vectors = new Map<string, Float32Array>()
before(async () => {
  const model = new Adapter([new TextEmbedding()])
  const texts = [
    ...sample.documents.map((d) => [d.id, d.text] as const),
    ...sample.queries.map((q) => [q.id, q.text] as const),
  ]
  async function* records() {
    for (const [id, text] of texts) yield [id, text, {}] as [string, string, {}]
  }
  for await (const [id, vector] of model.run(records(), 'upsert'))
    vectors.set(id, vector as Float32Array)
})

const T = { timeout: 120_000 }

describeEachBackend('text and hybrid search', (b) => {
  async function dictionary(): Promise<Collection<{ text: string; half: number }>> {
    const c = await b.client.getOrCreateCollection<{ text: string; half: number }>(b.uniqueName(), {
      dimension: 512,
    })
    await c.upsert(
      sample.documents.map((d, i) => [d.id, vectors.get(d.id)!, { text: d.text, half: i % 2 }]),
    )
    await c.createTextIndex()
    return c
  }

  const rankOf = (ids: readonly string[], answer: string) => {
    const at = ids.indexOf(answer)
    return at === -1 ? null : at + 1
  }

  test(
    'ranks a real retrieval set: keywords win named queries, hybrid the mixed set',
    T,
    async () => {
      const c = await dictionary()
      const recall = { vector: 0, text: 0, hybrid: 0 }
      for (const q of sample.queries) {
        const data = vectors.get(q.id)!
        const byVector = await c.query({ data, limit: 10 })
        const byText = await c.query({ text: q.text, limit: 10 })
        const hybrid = await c.query({ data, text: q.text, limit: 10 })
        if (q.kind === 'named') assert.equal(rankOf(byText, q.answer), 1, q.id)
        // A gloss sharing no word stem with its answer cannot be found by its words.
        if (q.sharedLexemes === 0) assert.equal(rankOf(byText, q.answer), null, q.id)
        if (rankOf(byVector, q.answer) !== null) recall.vector++
        if (rankOf(byText, q.answer) !== null) recall.text++
        if (rankOf(hybrid, q.answer) !== null) recall.hybrid++
      }
      assert.ok(recall.hybrid >= Math.max(recall.vector, recall.text), JSON.stringify(recall))
      assert.ok(recall.hybrid > recall.text, JSON.stringify(recall))
    },
  )

  test('includeValue: the fused score and where each side ranked the row', T, async () => {
    const c = await dictionary()
    const q = sample.queries.find((x) => x.kind === 'named')!
    const data = vectors.get(q.id)!
    const rows = await c.query({ data, text: q.text, limit: 5, includeValue: true })
    const alone = await c.query({ data, limit: 40, includeValue: true })
    const words = await c.query({ text: q.text, limit: 40, includeValue: true })
    for (const [i, row] of rows.entries()) {
      const { vectorRank, textRank, distance, textScore } = row.ranking
      // Σ 1 / (60 + rank) over the sides that found it, the default fusion.
      const expected =
        (vectorRank ? 1 / (60 + vectorRank) : 0) + (textRank ? 1 / (60 + textRank) : 0)
      assert.ok(Math.abs(row.value - expected) < 1e-12)
      if (i > 0) assert.ok(rows[i - 1]!.value >= row.value)
      // Every row has its distance; the ranks are those of each side alone.
      const vectorSide = alone.find((r) => r.id === row.id)
      assert.ok(distance !== null)
      if (vectorSide) assert.ok(Math.abs(vectorSide.value - distance) < 1e-6)
      assert.equal(vectorRank, vectorSide ? alone.indexOf(vectorSide) + 1 : null)
      const textSide = words.find((r) => r.id === row.id)
      assert.equal(textRank, textSide ? words.indexOf(textSide) + 1 : null)
      assert.equal(textScore, textSide ? textSide.value : null)
    }
    // Text alone: value is the text score, best first.
    assert.ok(words.every((r, i) => i === 0 || words[i - 1]!.value >= r.value))
    assert.ok(words.every((r) => r.ranking.vectorRank === null && r.ranking.distance === null))
  })

  test('filters apply to both sides', T, async () => {
    const c = await dictionary()
    for (const q of sample.queries.slice(0, 10)) {
      const data = vectors.get(q.id)!
      for (const options of [{ text: q.text }, { data, text: q.text }]) {
        const rows = await c.query({
          ...options,
          limit: 10,
          filters: { half: 1 },
          includeMetadata: true,
        })
        assert.ok(rows.every((r) => r.metadata.half === 1))
        const unfiltered = await c.query({ ...options, limit: 40, includeMetadata: true })
        const kept = unfiltered.filter((r) => r.metadata.half === 1).map((r) => r.id)
        // Text alone: the filter keeps the same order of the matches.
        if (!('data' in options))
          assert.deepEqual(
            rows.map((r) => r.id),
            kept.slice(0, 10),
          )
      }
    }
  })

  test('hostile text is stored and searched, never run', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    const hostile = [
      `it's a "quoted" back\\slash -- comment`,
      `'); DROP TABLE vecs.x; -- tables`,
      'prefix:* & !negation | pipes <-> follows',
      '$1 ${injection} \\x00 %s %%',
    ]
    await c.upsert(hostile.map((text, i) => [`h${i}`, [1, i], { text }]))
    await c.createTextIndex()
    for (const text of [...hostile, `"unterminated`, 'or or or', '- - -', ':*', '!!', '&|!()']) {
      const rows = await c.query({ text, includeMetadata: true })
      for (const row of rows) assert.ok(hostile.includes(row.metadata.text as string))
      await c.query({ data: [1, 0], text })
    }
    assert.deepEqual(await c.query({ text: 'DROP tables' }), ['h1'])
    assert.deepEqual(await c.query({ text: 'quoted backslash' }), [])
    // A backslash is only a separator between words: "back\slash" holds the phrase "back slash".
    assert.deepEqual((await c.query({ text: '"back slash" or negation' })).sort(), ['h0', 'h2'])
    assert.deepEqual(await c.query({ text: 'comment -quoted' }), [])
    assert.equal(await c.count(), hostile.length)
  })

  test('the text index: built on a metadata key, replaced, dropped, in stats', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    await c.upsert([
      ['a', [1, 0], { body: 'running foxes', text: 'sleeping cats' }],
      ['b', [0, 1], { body: 'sleeping dogs', text: 'running horses' }],
    ])
    assert.equal(await c.getTextIndex(), null)
    assert.equal((await c.stats()).textIndex, null)
    await assert.rejects(
      c.query({ text: 'fox' }),
      (e) => e instanceof ArgError && /createTextIndex/.test(e.message),
    )
    const built = await c.createTextIndex({ key: 'body', language: 'simple' })
    assert.deepEqual(await c.getTextIndex(), built)
    assert.deepEqual([built.key, built.language], ['body', 'simple'])
    // 'simple' does not stem: 'foxes' is not 'fox'.
    assert.deepEqual(await c.query({ text: 'fox' }), [])
    assert.deepEqual(await c.query({ text: 'foxes' }), ['a'])
    const english = await c.createTextIndex()
    assert.deepEqual(await c.query({ text: 'run' }), ['b'])
    const stats = await c.stats()
    assert.deepEqual(stats.textIndex, english)
    assert.ok(stats.textIndexBytes! > 0)
    // One text index: the first was replaced.
    const names = await b.raw<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes
        WHERE schemaname = $1 AND tablename = $2 AND indexname LIKE 'ix_text_%'`,
      [b.schema, c.name],
    )
    assert.equal(names[0]!.n, 1)
    assert.equal(await c.dropTextIndex(), true)
    assert.equal(await c.dropTextIndex(), false)
    assert.equal(await c.getTextIndex(), null)
  })

  test('explain shows both sides, the text side through the text index', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']
    await c.upsert(
      Array.from({ length: 3000 }, (_, i) => [
        `r${i}`,
        [Math.cos(i), Math.sin(i)],
        { text: `${words[i % 8]} ${words[(i * 7) % 8]} item${i}` },
      ]),
    )
    await c.createTextIndex()
    await b.raw(`ANALYZE "${b.schema}"."${c.name}"`)
    const plan = await c.explain({ data: [1, 0], text: 'item42' })
    assert.match(plan, /^-- vector side\n[\s\S]*\n-- text side\n/)
    assert.match(plan, /ix_text_/)
    assert.match(await c.explain({ text: 'item42' }), /^-- text side\n[\s\S]*ix_text_/)
  })

  test('bad inputs are ArgErrors before any SQL; stop words alone match nothing', async () => {
    const c = await b.client.getOrCreateCollection(b.uniqueName(), { dimension: 2 })
    await c.upsert([['a', [1, 0], { text: 'the cat sat' }]])
    await c.createTextIndex()
    const bad: unknown[] = [
      { text: '' },
      { text: '   ' },
      { text: 'x'.repeat(1001) },
      { text: 42 },
      { text: 'nul\0byte' },
      {},
      { text: 'cat', fusion: {} },
      { data: [1, 0], fusion: {} },
      { data: [1, 0], fusion: { k: 60 } },
      { text: 'cat', includeSimilarity: true },
      { data: [1, 0], text: 'cat', fusion: { k: -1 } },
      { data: [1, 0], text: 'cat', fusion: { candidates: 5 }, limit: 10 },
      { data: [1, 0], text: 'cat', fusion: { candidates: 1001 } },
      { data: [1, 0], text: 'cat', fusion: { weights: { vector: 0, text: 0 } } },
      { data: [1, 0], text: 'cat', fusion: { weights: { vector: -1 } } },
      { data: [1, 0], text: 'cat', fusion: { weights: { image: 1 } } },
      { data: [1, 0], text: 'cat', fusion: { kk: 1 } },
      { data: [1, 0], text: 'cat', fusion: 'rrf' },
    ]
    for (const options of bad)
      await assert.rejects(c.query(options as never), ArgError, JSON.stringify(options))
    for (const options of [
      { key: 'a b' },
      { key: '' },
      { key: "it's" },
      { language: 'klingon' },
      { language: 'en;' },
      { lang: 'english' },
    ]) {
      await assert.rejects(c.createTextIndex(options as never), ArgError, JSON.stringify(options))
    }
    await assert.rejects(c.createTextIndex({ language: 'klingon' }), /english/)
    // Only stop words: no text match (documented), and a hybrid query is its vector side.
    assert.deepEqual(await c.query({ text: 'the of and' }), [])
    assert.deepEqual(await c.query({ data: [1, 0], text: 'the of and' }), ['a'])
    assert.ok(await c.getTextIndex())
  })
})
