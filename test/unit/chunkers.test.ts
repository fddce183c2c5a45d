import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ArgError,
  MarkdownChunker,
  ParagraphChunker,
  type AdapterContext,
  type AdapterRecord,
  type AdapterStep,
} from '../../src/index.js'
import { collect, stream } from '../support/fake-embedding.js'

const run = (step: AdapterStep, records: AdapterRecord[], context: AdapterContext = 'upsert') =>
  collect(step.run(stream(records), context))

test('ParagraphChunker splits at blank lines into <id>_para_000, …', async () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: true })
  assert.deepEqual(await run(chunker, [['1', 'first para\n\nnext para', {}]]), [
    ['1_para_000', 'first para', {}],
    ['1_para_001', 'next para', {}],
  ])
})

test('ParagraphChunker with skipDuringQuery passes query text through whole', async () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: true })
  assert.deepEqual(await run(chunker, [['', 'first para\n\nnext para', {}]], 'query'), [
    ['', 'first para\n\nnext para', {}],
  ])
})

test('ParagraphChunker without skipDuringQuery chunks query text too', async () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: false })
  assert.deepEqual(await run(chunker, [['', 'one\n\ntwo', {}]], 'query'), [
    ['_para_000', 'one', {}],
    ['_para_001', 'two', {}],
  ])
})

test('ParagraphChunker drops empty and whitespace-only paragraphs and numbers the rest', async () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: true })
  assert.deepEqual(await run(chunker, [['d', '\n\none\n\n\n\n  \n\ntwo\n\n', {}]]), [
    ['d_para_000', 'one', {}],
    ['d_para_001', 'two', {}],
  ])
  assert.deepEqual(await run(chunker, [['e', '', {}]]), [])
})

test('ParagraphChunker keeps each record metadata on its chunks and pads ids to 3 digits', async () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: true })
  const text = Array.from({ length: 12 }, (_, i) => `p${i}`).join('\n\n')
  const out = await run(chunker, [
    ['a', text, { source: 'a' }],
    ['b', 'only', { source: 'b' }],
  ])
  assert.equal(out.length, 13)
  assert.deepEqual(out[11], ['a_para_011', 'p11', { source: 'a' }])
  assert.deepEqual(out[12], ['b_para_000', 'only', { source: 'b' }])
})

test('ParagraphChunker refuses media that is not text, and a missing skipDuringQuery', async () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: true })
  await assert.rejects(run(chunker, [['v', [1, 2, 3], {}]]), ArgError)
  assert.throws(() => new ParagraphChunker({} as { skipDuringQuery: boolean }), ArgError)
  assert.throws(
    () => new ParagraphChunker(undefined as unknown as { skipDuringQuery: boolean }),
    ArgError,
  )
})

test('MarkdownChunker splits at headings of levels 1 to 6 into <id>_head_000, …', async () => {
  const chunker = new MarkdownChunker({ skipDuringQuery: true, maxTokens: 30 })
  const md =
    '# heading 1\n## heading 2\n### heading 3\n#### heading 4\nwith some text\n##### heading 5\n###### heading 6'
  assert.deepEqual(await run(chunker, [['1', md, { some: 1 }]]), [
    ['1_head_000', '# heading 1\n', { some: 1 }],
    ['1_head_001', '## heading 2\n', { some: 1 }],
    ['1_head_002', '### heading 3\n', { some: 1 }],
    ['1_head_003', '#### heading 4\nwith some text\n', { some: 1 }],
    ['1_head_004', '##### heading 5\n', { some: 1 }],
    ['1_head_005', '###### heading 6', { some: 1 }],
  ])
})

test('MarkdownChunker with skipDuringQuery passes query text through whole', async () => {
  const chunker = new MarkdownChunker({ skipDuringQuery: true })
  assert.deepEqual(await run(chunker, [['', '# heading1\n# heading2', {}]], 'query'), [
    ['', '# heading1\n# heading2', {}],
  ])
})

test('MarkdownChunker does not split at lines that are not headings', async () => {
  const chunker = new MarkdownChunker({ skipDuringQuery: true, maxTokens: 30 })
  const md = '#heading 1\n####### heading 2\nheading ???\n-=-===\n#!## heading !3'
  assert.deepEqual(await run(chunker, [['1', md, {}]]), [['1_head_000', md, {}]])
})

test('MarkdownChunker keeps text before the first heading as a chunk of its own', async () => {
  const chunker = new MarkdownChunker({ skipDuringQuery: false })
  assert.deepEqual(await run(chunker, [['m', 'intro\n# One\nbody\n#Two', {}]]), [
    ['m_head_000', 'intro\n', {}],
    ['m_head_001', '# One\nbody\n#Two', {}],
  ])
  assert.deepEqual(await run(chunker, [['e', '', {}]]), [])
})

test('MarkdownChunker cuts sections longer than maxTokens space-separated tokens', async () => {
  const chunker = new MarkdownChunker({ skipDuringQuery: true, maxTokens: 10 })
  const two = 'this is quite a long sentence which will have to be split into two chunks'
  assert.deepEqual(await run(chunker, [['2', two, {}]]), [
    ['2_head_000', 'this is quite a long sentence which will have to', {}],
    ['2_head_001', 'be split into two chunks', {}],
  ])
  const three =
    "this sentence is so long that it won't even fit in two chunks, it'll have to go into three chunks which is exciting"
  assert.deepEqual(await run(chunker, [['3', three, {}]]), [
    ['3_head_000', "this sentence is so long that it won't even fit", {}],
    ['3_head_001', "in two chunks, it'll have to go into three chunks", {}],
    ['3_head_002', 'which is exciting', {}],
  ])
})

test('MarkdownChunker refuses a maxTokens that is not a positive integer', () => {
  for (const bad of [-5, 0, 1.5, '10', NaN]) {
    assert.throws(
      () => new MarkdownChunker({ skipDuringQuery: true, maxTokens: bad as number }),
      ArgError,
      String(bad),
    )
  }
})

test('MarkdownChunker refuses media that is not text', async () => {
  const chunker = new MarkdownChunker({ skipDuringQuery: false })
  await assert.rejects(run(chunker, [['n', 42, {}]]), ArgError)
})
