import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  Adapter,
  ArgError,
  NoOp,
  ParagraphChunker,
  type AdapterRecord,
  type AdapterStep,
} from '../../src/index.js'
import { collect, fakeVector, FakeEmbedding, stream } from '../support/fake-embedding.js'

test('an Adapter needs at least one step', () => {
  assert.throws(() => new Adapter([]), ArgError)
})

test('an Adapter refuses steps that are not AdapterSteps', () => {
  assert.throws(() => new Adapter({} as unknown as AdapterStep[]), ArgError)
  assert.throws(() => new Adapter([{} as AdapterStep]), ArgError)
  assert.throws(() => new Adapter([null as unknown as AdapterStep]), ArgError)
})

test('a step exports no dimension by default, nor does an Adapter of such steps', () => {
  const dummy: AdapterStep = {
    run() {
      throw new Error('not relevant to the test')
    },
  }
  assert.equal(dummy.exportedDimension, undefined)
  assert.equal(new Adapter([dummy]).exportedDimension, undefined)
  const chunker: AdapterStep = new ParagraphChunker({ skipDuringQuery: true })
  assert.equal(chunker.exportedDimension, undefined)
})

test('NoOp exports its dimension and passes records through', async () => {
  const noop = new NoOp(9)
  assert.equal(noop.exportedDimension, 9)
  const records: AdapterRecord[] = [['a', [1, 2], { k: 1 }]]
  assert.deepEqual(await collect(noop.run(stream(records), 'upsert')), records)
})

test('NoOp refuses a dimension that is not an integer 1..16000', () => {
  for (const bad of [0, -1, 1.5, 16001, NaN, '3']) {
    assert.throws(() => new NoOp(bad as number), ArgError, String(bad))
  }
})

test('an Adapter exports the dimension of the last step that exports one', () => {
  const chunker = new ParagraphChunker({ skipDuringQuery: true })
  assert.equal(new Adapter([new NoOp(2), new NoOp(5)]).exportedDimension, 5)
  assert.equal(new Adapter([new NoOp(2), chunker, new FakeEmbedding()]).exportedDimension, 3)
  assert.equal(new Adapter([new FakeEmbedding(), chunker]).exportedDimension, 3)
})

test('an Adapter runs its steps in order, from an array or an async iterable', async () => {
  const adapter = new Adapter([
    new ParagraphChunker({ skipDuringQuery: false }),
    new FakeEmbedding(),
  ])
  const input: AdapterRecord<string>[] = [['doc', 'a cat\n\na dog and a cat', { lang: 'en' }]]
  const expected = [
    ['doc_para_000', fakeVector('a cat'), { lang: 'en' }],
    ['doc_para_001', fakeVector('a dog and a cat'), { lang: 'en' }],
  ]
  assert.deepEqual(await collect(adapter.run(input, 'upsert')), expected)
  assert.deepEqual(await collect(adapter.run(stream(input), 'upsert')), expected)
})

test('an Adapter passes its context to every step', async () => {
  const embedding = new FakeEmbedding()
  const adapter = new Adapter([embedding])
  await collect(adapter.run([['q', 'fish', {}]], 'query'))
  await collect(adapter.run([['u', 'fish', {}]], 'upsert'))
  assert.deepEqual(embedding.contexts, ['query', 'upsert'])
})

test('an Adapter refuses an unknown context', () => {
  const adapter = new Adapter([new FakeEmbedding()])
  assert.throws(() => adapter.run([], 'insert' as 'upsert'), ArgError)
})

test('an Adapter is lazy: records are read as results are taken', async () => {
  let read = 0
  async function* source(): AsyncGenerator<AdapterRecord<string>> {
    for (let i = 0; i < 100; i++) {
      read += 1
      yield [`r${i}`, 'cat', {}]
    }
  }
  const adapter = new Adapter([
    new ParagraphChunker({ skipDuringQuery: false }),
    new FakeEmbedding(),
  ])
  for await (const [id] of adapter.run(source(), 'upsert')) {
    assert.equal(id, 'r0_para_000')
    break
  }
  assert.ok(read < 5, `read ${read} records to produce one`)
})

test('an Adapter is a step itself: adapters nest', async () => {
  const inner = new Adapter([new ParagraphChunker({ skipDuringQuery: false })])
  const outer = new Adapter([inner, new FakeEmbedding()])
  assert.equal(outer.exportedDimension, 3)
  const out = await collect(outer.run([['x', 'fish\n\ncat', {}]], 'upsert'))
  assert.deepEqual(
    out.map(([id]) => id),
    ['x_para_000', 'x_para_001'],
  )
})
