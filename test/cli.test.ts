import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test, type TestContext } from 'node:test'
import { EXIT_CODES } from '../src/cli/exit-codes.js'
import type { IndexTuning, Measure } from '../src/index.js'
import { servePGlite } from './backends.js'
import { BIN, jsonOf, vecs, type Run } from './support/cli.js'
import { exactNearest, randomVectors } from './support/data.js'

/**
 * The tests run side by side, each in its own directory with its own embedded database, so none
 * sees another's collections or files. Every CLI run is a PGlite child process, so the file is
 * CPU-bound: four at a time keeps two cores busy (all at once was no faster), and the longest
 * test, the demo, comes first so that it does not run alone at the end.
 */
const CONCURRENCY = 4

const COMMANDS = [
  'demo',
  'list',
  'create',
  'import',
  'index',
  'tune',
  'query',
  'info',
  'bench',
  'delete',
]

interface Row {
  id: string
  value: number
  metadata: Record<string, unknown>
}

describe('vecs command', { concurrency: CONCURRENCY }, () => {
  after(removeEmptyDatabase)

  test('vecs demo: exact vs IVFFlat vs HNSW on GloVe words (--rows 5000), with recall against exact search', async () => {
    type Round = {
      search: string
      buildMs: number | null
      p50Ms: number
      recall: number
      plan: string
    }
    const report = jsonOf<{
      rows: number
      queries: number
      rounds: Round[]
      lookups: Record<string, string[]>
    }>(await vecs(['--db', 'memory://', '--json', 'demo', '--queries', '50', '--rows', '5000']))
    assert.equal(report.queries, 50)
    // The 5,000 most frequent words, less the 50 held out.
    assert.equal(report.rows, 4950)
    const [exact, ivfflat, hnsw] = report.rounds as [Round, Round, Round]
    assert.deepEqual(
      report.rounds.map((r) => r.plan),
      ['Seq Scan', 'Index Scan (ivfflat)', 'Index Scan (hnsw)'],
    )
    // The database's exact search agrees with the ground truth the demo computes on its own.
    assert.ok(exact.recall > 0.99, `exact ${exact.recall}`)
    assert.ok(ivfflat.recall > 0.8, `ivfflat ${ivfflat.recall}`)
    assert.ok(hnsw.recall > 0.95, `hnsw ${hnsw.recall}`)
    assert.ok((ivfflat.buildMs as number) > 0 && (hnsw.buildMs as number) > 0)
    assert.ok(hnsw.p50Ms < exact.p50Ms, `hnsw ${hnsw.p50Ms} ms vs exact ${exact.p50Ms} ms`)
    assert.ok(report.lookups.king?.includes('queen'), String(report.lookups.king))
    assert.ok(report.lookups.paris?.includes('france'), String(report.lookups.paris))
    assert.equal(report.lookups.computer?.includes('computer'), false)
  })

  test('--help lists every command and the exit codes; every command has its own --help', async () => {
    const top = await vecs(['--help'])
    assert.equal(top.code, 0)
    for (const name of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${name}\\b`, 'm'))
    assert.match(top.stdout, /--db <location>/)
    assert.match(top.stdout, /3 {2}VECS_COLLECTION_NOT_FOUND/)
    for (const name of COMMANDS) {
      const help = await vecs([name, '--help'])
      assert.equal(help.code, 0, name)
      assert.match(help.stdout, new RegExp(`^Usage: vecs ${name} `, 'm'))
    }
    assert.match((await vecs(['index', '--help'])).stdout, /--ef-construction <n>/)
    assert.match((await vecs(['query', '--help'])).stdout, /--ef-search <n>/)
    assert.match((await vecs(['tune', '--help'])).stdout, /--target <recall>/)
    assert.match((await vecs(['index', '--help'])).stdout, /--no-tune/)
  })

  test('bad arguments: one line on stderr, nothing on stdout, exit code 2', async (t) => {
    const { run } = await workspace(t)
    const cases = [
      ['frobnicate'],
      ['list', '--bogus'],
      ['create', 'c'],
      ['create', 'c', '--dim', 'three'],
      ['create', 'c', '--dim', '3', '--type', 'float64'],
      ['demo', '--rows', '10'],
      ['query', 'c', '--vector', '[1, 2'],
      ['query', 'c'],
      ['import', 'c'],
      ['bench', 'c', '--ef-search', '10,x'],
      ['create', '_hidden', '--dim', '3'],
      ['create', 'c', '--dim', '0'],
      ['tune', 'c', '--target', '1.5'],
      ['tune', 'c', '--target', '0'],
      ['tune', 'c', '--target', 'high'],
      ['tune', 'c', '--queries', '2.5'],
      ['tune', 'c', '--limit', 'ten'],
      ['index', 'c', '--target', '1'],
      ['index', 'c', '--target', '0.9', '--no-tune'],
    ]
    for (const args of cases) {
      const r = await run(...args)
      assert.equal(r.code, EXIT_CODES.VECS_USAGE, `${args.join(' ')}: ${r.stderr}`)
      assert.equal(r.stdout, '', args.join(' '))
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^vecs: /)
    }
  })

  test('an input that cannot be read: one line saying why, exit code 2, nothing written', async (t) => {
    const { run, dir } = await workspace(t)
    const path = (name: string) => join(dir, name)
    await writeFile(path('ok.f32'), Buffer.alloc(8))
    const cases: [string[], string][] = [
      [['import', 'c', path('missing.jsonl')], `the input ${path('missing.jsonl')}: no such file`],
      [['import', 'c', dir, '--format', 'jsonl'], `the input ${dir}: it is a directory`],
      [
        ['import', 'c', path('ok.f32'), '--dim', '2', '--ids', path('nowhere.txt')],
        `--ids ${path('nowhere.txt')}: no such file`,
      ],
    ]
    if (process.getuid?.() !== 0) {
      await writeFile(path('locked.jsonl'), '{"id": "a", "vector": [1, 2]}\n', { mode: 0 })
      cases.push([
        ['import', 'c', path('locked.jsonl')],
        `the input ${path('locked.jsonl')}: permission denied`,
      ])
    } else t.diagnostic('running as root, which reads any file: no permission case')
    for (const [args, reason] of cases) {
      const r = await run(...args)
      assert.equal(r.code, EXIT_CODES.VECS_USAGE, `${args.join(' ')}: ${r.stderr}`)
      assert.equal(r.stderr.trim(), `vecs: cannot read ${reason}`)
    }
    assert.match((await run('list')).stdout, /^no collections in /, 'no collection was created')
  })

  test('create, list, and the exit code of an existing or missing collection', async (t) => {
    const { run } = await workspace(t)
    assert.equal((await run('create', 'made', '--dim', '3', '--type', 'halfvec')).code, 0)
    const again = await run('create', 'made', '--dim', '3')
    assert.equal(again.code, EXIT_CODES.VECS_COLLECTION_EXISTS)
    assert.match(again.stderr, /already exists/)
    const listed = jsonOf<{ name: string; dimension: number; type: string; rows: number }[]>(
      await run('--json', 'list'),
    )
    assert.deepEqual(
      listed.find((c) => c.name === 'made'),
      { name: 'made', dimension: 3, type: 'halfvec', rows: 0, index: null },
    )
    const missing = await run('info', 'nowhere')
    assert.equal(missing.code, EXIT_CODES.VECS_COLLECTION_NOT_FOUND)
    assert.match(missing.stderr, /nowhere/)
  })

  test('import JSONL, then query by vector and by id: the exact nearest, with metadata', async (t) => {
    const { run, jsonl } = await workspace(t)
    const vectors = randomVectors(500, 8, 11)
    const imported = jsonOf<{ rows: number; dimension: number }>(
      await run('--json', 'import', 'docs', await jsonl('docs.jsonl', vectors)),
    )
    assert.deepEqual([imported.rows, imported.dimension], [500, 8])
    const q = randomVectors(1, 8, 12)[0] as number[]
    const rows = jsonOf<Row[]>(
      await run('--json', 'query', 'docs', '--vector', JSON.stringify(q), '--limit', '5'),
    )
    assert.deepEqual(
      rows.map((r) => r.id),
      nearest(vectors, q, 'cosine_distance', 5),
    )
    assert.equal(rows[0]?.metadata.i, Number(rows[0]?.id.slice(1)))
    const byId = jsonOf<Row[]>(
      await run('--json', 'query', 'docs', '--id', 'r7', '--measure', 'l2_distance'),
    )
    assert.deepEqual(
      byId.map((r) => r.id),
      nearest(vectors, vectors[7] as number[], 'l2_distance', 10),
    )
    const odd = jsonOf<Row[]>(
      await run('--json', 'query', 'docs', '--id', 'r7', '--filter', '{"even":{"$eq":false}}'),
    )
    assert.equal(odd.length, 10)
    for (const r of odd) assert.equal(r.metadata.even, false)
    const human = await run('query', 'docs', '--id', 'r7', '--limit', '2')
    assert.match(human.stdout, /^1 +r7 +0\.0000/m)
    const badFilter = await run('query', 'docs', '--id', 'r7', '--filter', '{"a":{"$near":1}}')
    assert.equal(badFilter.code, EXIT_CODES.VECS_FILTER)
    const noSuchId = await run('query', 'docs', '--id', 'missing')
    assert.equal(noSuchId.code, EXIT_CODES.VECS_ARG)
    const wrongDim = await run('query', 'docs', '--vector', '[1, 2, 3]')
    assert.equal(wrongDim.code, EXIT_CODES.VECS_DIMENSION)
  })

  test('a text index from --text-key; query --text alone and fused with --id; info shows it', async (t) => {
    const { run, dir } = await workspace(t)
    const words = ['red fox', 'brown bear', 'red panda', 'grey wolf', 'brown fox']
    const lines = randomVectors(words.length, 4, 21).map((v, i) =>
      JSON.stringify({ id: `w${i}`, vector: v, metadata: { body: words[i] } }),
    )
    await writeFile(join(dir, 'animals.jsonl'), lines.join('\n') + '\n')
    succeeded(await run('import', 'animals', join(dir, 'animals.jsonl')))
    const noIndex = await run('query', 'animals', '--text', 'fox')
    assert.equal(noIndex.code, EXIT_CODES.VECS_ARG)
    assert.match(noIndex.stderr, /createTextIndex/)
    const built = jsonOf<{ textIndex: { key: string; language: string } }>(
      await run('--json', 'index', 'animals', '--text-key', 'body', '--language', 'simple'),
    )
    assert.deepEqual([built.textIndex.key, built.textIndex.language], ['body', 'simple'])
    const foxes = jsonOf<Row[]>(await run('--json', 'query', 'animals', '--text', 'fox'))
    assert.deepEqual(foxes.map((r) => r.id).sort(), ['w0', 'w4'])
    const fused = jsonOf<(Row & { ranking: { vectorRank: number; textRank: number } })[]>(
      await run('--json', 'query', 'animals', '--text', 'red -panda', '--id', 'w3', '--limit', '5'),
    )
    assert.equal(fused.length, 5)
    const w0 = fused.find((r) => r.id === 'w0')!
    assert.equal(w0.ranking.textRank, 1)
    assert.equal(fused.find((r) => r.id === 'w3')!.ranking.vectorRank, 1)
    const human = await run('query', 'animals', '--text', 'bear')
    assert.match(human.stdout, /text score/)
    assert.match(human.stdout, /^1 +w1 /m)
    assert.match((await run('info', 'animals')).stdout, /text index +metadata "body", simple/)
    const mixed = await run('index', 'animals', '--text-key', 'body', '--m', '8')
    assert.equal(mixed.code, EXIT_CODES.VECS_ARG)
    const both = await run('query', 'animals', '--vector', '[1,2,3,4]', '--id', 'w1')
    assert.equal(both.code, EXIT_CODES.VECS_ARG)
  })

  test('import CSV, raw float32 with ids, and .npy: the stored vectors are the file’s', async (t) => {
    const { dir, run } = await workspace(t)
    const vectors = randomVectors(40, 4, 21)
    const csv = ['id,vector,metadata,color,size']
    vectors.forEach((v, i) => csv.push(`c${i},"${JSON.stringify(v)}","{""n"":${i}}",red,${i}`))
    await writeFile(join(dir, 'v.csv'), csv.join('\n') + '\n')
    assert.equal((await run('import', 'csv', join(dir, 'v.csv'))).code, 0)
    const fromCsv = jsonOf<Row[]>(await run('--json', 'query', 'csv', '--id', 'c3', '--limit', '1'))
    assert.deepEqual(fromCsv[0]?.metadata, { n: 3, color: 'red', size: 3 })

    const f32 = Buffer.from(new Float32Array(vectors.flat()).buffer)
    await writeFile(join(dir, 'v.f32'), f32)
    await writeFile(join(dir, 'ids.txt'), vectors.map((_, i) => `w${i}`).join('\n') + '\n')
    const raw = await run(
      'import',
      'raw',
      join(dir, 'v.f32'),
      '--dim',
      '4',
      '--ids',
      join(dir, 'ids.txt'),
    )
    assert.equal(raw.code, 0, raw.stderr)
    await writeFile(join(dir, 'v.npy'), npy(vectors))
    assert.equal((await run('import', 'npy', join(dir, 'v.npy'))).code, 0)
    for (const [name, id, i] of [
      ['raw', 'w5', 5],
      ['npy', '9', 9],
    ] as const) {
      const rows = jsonOf<Row[]>(
        await run('--json', 'query', name, '--id', id, '--limit', '3', '--measure', 'l2_distance'),
      )
      assert.equal(rows[0]?.id, id)
      assert.deepEqual(
        rows.map((r) => r.id),
        exactNearest(vectors, vectors[i] as number[], 'l2_distance', 3).map((x) =>
          name === 'raw' ? `w${x.slice(1)}` : x.slice(1),
        ),
      )
    }
    // Into an indexed collection, --rebuild-index always loads first and builds a new index after.
    assert.equal((await run('index', 'npy', '--method', 'hnsw', '--no-tune')).code, 0)
    type Info = { rows: number; index: { name: string; method: string } }
    const before = jsonOf<Info>(await run('--json', 'info', 'npy'))
    const again = await run('import', 'npy', join(dir, 'v.npy'), '--rebuild-index', 'always')
    assert.equal(again.code, 0, again.stderr)
    const after = jsonOf<Info>(await run('--json', 'info', 'npy'))
    assert.notEqual(after.index.name, before.index.name)
    assert.deepEqual([after.rows, after.index.method], [before.rows, 'hnsw'])
    const noDim = await run('import', 'nodim', join(dir, 'v.f32'))
    assert.equal(noDim.code, EXIT_CODES.VECS_ARG)
    assert.match(noDim.stderr, /--dim/)
    await writeFile(join(dir, 'short.txt'), 'a\nb\n')
    const fewIds = await run('import', 'raw', join(dir, 'v.f32'), '--ids', join(dir, 'short.txt'))
    assert.equal(fewIds.code, EXIT_CODES.VECS_ARG)
    assert.match(fewIds.stderr, /fewer lines/)
  })

  test('a failed import writes nothing: a new collection is gone, an existing one unchanged', async (t) => {
    const { run, jsonl } = await workspace(t)
    const vectors = randomVectors(4500, 4, 31)
    const path = await jsonl('bad.jsonl', vectors)
    const lines = (await readFile(path, 'utf8')).split('\n')
    lines[4200] = '{"id": "broken", "vector": [1, 2], "metadata": {}}'
    await writeFile(path, lines.join('\n'))
    const fresh = await run('import', 'fresh', path)
    assert.equal(fresh.code, EXIT_CODES.VECS_DIMENSION)
    assert.match(fresh.stderr, /line 4201: expected 4 dimensions, got 2/)
    assert.equal((await run('info', 'fresh')).code, EXIT_CODES.VECS_COLLECTION_NOT_FOUND)

    succeeded(await run('import', 'kept', await jsonl('ok.jsonl', vectors.slice(0, 10), 'k')))
    lines[4200] = 'not json'
    await writeFile(path, lines.join('\n'))
    const broken = await run('import', 'kept', path)
    assert.equal(broken.code, EXIT_CODES.VECS_ARG)
    assert.match(broken.stderr, /line 4201: not valid JSON/)
    assert.equal(jsonOf<{ rows: number }>(await run('--json', 'info', 'kept')).rows, 10)
  })

  test('index builds with the given parameters; info reports it, its sizes, and reindex advice', async (t) => {
    const { run, jsonl } = await workspace(t)
    succeeded(await run('import', 'grow', await jsonl('grow.jsonl', randomVectors(1000, 8, 41))))
    // --no-tune: this test is about the build and reindex advice (tuning has its own tests).
    const built = await run('index', 'grow', '--method', 'ivfflat', '--lists', '10', '--no-tune')
    assert.equal(built.code, 0, built.stderr)
    assert.match(built.stdout, /ivfflat cosine_distance lists=10/)
    type Info = {
      rows: number
      index: { method: string; nLists: number } | null
      rowsAtIndexBuild: number
      tableBytes: number
      vectorIndexBytes: number
      advice: { code: string }[]
    }
    const info = jsonOf<Info>(await run('--json', 'info', 'grow'))
    assert.equal(info.rows, 1000)
    assert.deepEqual([info.index?.method, info.index?.nLists], ['ivfflat', 10])
    assert.equal(info.rowsAtIndexBuild, 1000)
    assert.ok(info.tableBytes > 0 && info.vectorIndexBytes > 0)
    assert.deepEqual(info.advice, [])
    succeeded(
      await run('import', 'grow', await jsonl('more.jsonl', randomVectors(1500, 8, 42), 'm')),
    )
    const advised = await run('info', 'grow')
    assert.match(advised.stdout, /advice .*1000 rows.*2500.*vecs index grow --reindex/)
    assert.equal((await run('index', 'grow', '--reindex', '--no-tune')).code, 0)
    const after = jsonOf<Info>(await run('--json', 'info', 'grow'))
    assert.deepEqual([after.rowsAtIndexBuild, after.advice.length], [2500, 0])
    const hnsw = jsonOf<{ index: { method: string; m: number; efConstruction: number } }>(
      await run('--json', 'index', 'grow', '--m', '8', '--ef-construction', '32'),
    )
    assert.deepEqual([hnsw.index.method, hnsw.index.m, hnsw.index.efConstruction], ['hnsw', 8, 32])
    assert.equal((await run('index', 'grow', '--m', '8', '--lists', '5')).code, EXIT_CODES.VECS_ARG)
    assert.equal((await run('index', 'grow', '--m', '1')).code, EXIT_CODES.VECS_ARG)
    // Quantized: the index says so, and queries take --rerank (which other indexes refuse).
    const binary = await run('index', 'grow', '--quantization', 'binary', '--no-tune')
    assert.match(binary.stdout, /hnsw cosine_distance m=16 ef_construction=64, binary quantized/)
    const quantized = jsonOf<{ index: { quantization: string }; workersAtIndexBuild: number }>(
      await run('--json', 'info', 'grow'),
    )
    // The embedded database builds on one thread: no parallel workers.
    assert.deepEqual([quantized.index.quantization, quantized.workersAtIndexBuild], ['binary', 0])
    const reranked = jsonOf<{ id: string }[]>(
      await run('--json', 'query', 'grow', '--id', 'r5', '--rerank', '4', '--limit', '3'),
    )
    assert.equal(reranked[0]?.id, 'r5')
    succeeded(await run('index', 'grow', '--no-tune'))
    const refused = await run('query', 'grow', '--id', 'r5', '--rerank', '4')
    assert.equal(refused.code, EXIT_CODES.VECS_ARG, refused.stderr)
    assert.match(refused.stderr, /not quantized/)
  })

  test('tune keeps the cheapest ef_search reaching the target; info reports the tuning', async (t) => {
    const { run, jsonl } = await workspace(t)
    succeeded(await run('import', 't', await jsonl('t.jsonl', randomVectors(2000, 16, 81))))
    // Nothing to tune yet: the library's ArgError, one line, nothing on stdout.
    const unindexed = await run('tune', 't')
    assert.equal(unindexed.code, EXIT_CODES.VECS_ARG, unindexed.stderr)
    assert.equal(unindexed.stdout, '')
    assert.equal(unindexed.stderr.trim().split('\n').length, 1, unindexed.stderr)
    assert.match(unindexed.stderr, /^vecs: .*no vector index/)

    succeeded(await run('index', 't', '--method', 'hnsw', '--no-tune'))
    assert.match((await run('info', 't')).stdout, /^tuned +—$/m)
    const tuned = await run(
      '--json',
      'tune',
      't',
      '--target',
      '0.9',
      '--queries',
      '60',
      '--limit',
      '5',
    )
    const tuning = jsonOf<IndexTuning>(tuned)
    assert.equal(tuned.stderr, '', 'no progress under --json')
    assert.equal(tuning.setting, 'hnsw.ef_search')
    // The search starts at the page size: fewer candidates cannot fill the page.
    assert.ok(Number.isInteger(tuning.value), String(tuning.value))
    assert.ok(tuning.value >= 5 && tuning.value <= 1000, String(tuning.value))
    assert.ok(tuning.recall >= 0 && tuning.recall <= 1, String(tuning.recall))
    assert.equal(typeof tuning.reached, 'boolean')
    // Reached means the recall less its sampling margin met the target, so the recall itself did.
    if (tuning.reached) assert.ok(tuning.recall >= 0.9, String(tuning.recall))
    assert.deepEqual(
      [tuning.targetRecall, tuning.queries, tuning.limit, tuning.rows],
      [0.9, 60, 5, 2000],
    )
    assert.ok(Math.abs(Date.parse(tuning.measuredAt) - Date.now()) < 3_600_000, tuning.measuredAt)

    const info = jsonOf<{ tuning: IndexTuning | null }>(await run('--json', 'info', 't'))
    assert.deepEqual(info.tuning, tuning)
    const target = tuning.reached ? '0\\.9' : '0\\.9, not reached'
    assert.match(
      (await run('info', 't')).stdout,
      new RegExp(
        `^tuned +ef_search ${tuning.value}: recall ${tuning.recall.toFixed(3)} \\(target ${target}\\) ` +
          'on 60 queries, 2,000 rows, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$',
        'm',
      ),
    )
    // 2,000 rows hold enough for a filter matching 10% of them to be measured, not 1%.
    assert.match(
      (await run('info', 't')).stdout,
      /^filtered +10%: (ef_search \d+ \(recall [\d.]+, [\d.]+ ms\)|exact \(index [\d.]+\)); exact search [\d.]+ ms$/m,
    )

    // For people: a summary on stdout, the steps on stderr (a pipe: plain lines).
    const human = await run('tune', 't')
    assert.equal(human.code, 0, human.stderr)
    assert.match(
      human.stdout,
      /^t: (hnsw\.ef_search \d+ reaches recall [01]\.\d{3} \(target 0\.95\)|no hnsw\.ef_search reaches the target 0\.95: the best, \d+, gives recall [01]\.\d{3});/,
    )
    assert.match(
      human.stdout,
      /^measured on 200 queries \(limit 10\) against exact search over 2,000 rows in \d+\.\d s$/m,
    )
    assert.match(human.stderr, /^tuning t's index…$/m)
    assert.match(human.stderr, /^tuning t's index: exact search$/m)
    assert.match(human.stderr, /^tuning t's index: measuring hnsw\.ef_search \d+$/m)
    assert.match(human.stderr, /^tuned in \d+\.\d s$/m)
  })

  test('index tunes to --target or not at all (--no-tune); IVFFlat tunes probes', async (t) => {
    const { run, jsonl } = await workspace(t)
    succeeded(await run('import', 'v', await jsonl('v.jsonl', randomVectors(2000, 16, 91))))
    type Info = {
      tuning: IndexTuning | null
      advice: { code: string; tunedRows?: number | null }[]
    }
    const ivfflat = ['index', 'v', '--method', 'ivfflat', '--lists', '10']
    const built = jsonOf<{ tuning: IndexTuning | null }>(
      await run('--json', ...ivfflat, '--target', '0.9'),
    )
    const afterBuild = jsonOf<Info>(await run('--json', 'info', 'v'))
    assert.deepEqual(afterBuild.tuning, built.tuning)
    // The build tunes while measuring costs at most a quarter of it (or a second); else it advises tune.
    if (built.tuning === null) {
      assert.deepEqual(
        afterBuild.advice.map((a) => [a.code, a.tunedRows]),
        [['VECS_RETUNE_ADVISED', null]],
      )
    } else {
      assert.deepEqual([built.tuning.setting, built.tuning.targetRecall], ['ivfflat.probes', 0.9])
    }
    const untuned = jsonOf<{ tuning: IndexTuning | null }>(
      await run('--json', ...ivfflat, '--no-tune'),
    )
    assert.equal(untuned.tuning, null)
    assert.deepEqual(jsonOf<Info>(await run('--json', 'info', 'v')).advice, [])

    const probes = jsonOf<IndexTuning>(await run('--json', 'tune', 'v', '--queries', '50'))
    assert.equal(probes.setting, 'ivfflat.probes')
    assert.ok(Number.isInteger(probes.value), String(probes.value))
    assert.ok(probes.value >= 1 && probes.value <= 10, `probes ${probes.value} of 10 lists`)
    assert.deepEqual([probes.targetRecall, probes.queries, probes.limit], [0.95, 50, 10])
    assert.match(
      (await run('info', 'v')).stdout,
      new RegExp(`^tuned +probes ${probes.value}: recall ${probes.recall.toFixed(3)} `, 'm'),
    )
  })

  test('bench sweeps efSearch against exact search and draws the plot', async (t) => {
    const { dir, run, jsonl } = await workspace(t)
    const vectors = randomVectors(3000, 16, 51)
    succeeded(await run('import', 'b', await jsonl('b.jsonl', vectors)))
    succeeded(await run('index', 'b', '--method', 'hnsw'))
    const svg = join(dir, 'recall.svg')
    const report = jsonOf<{
      queries: number
      results: {
        setting: string
        value: number | null
        recall: number
        p50Ms: number
        qps: number
      }[]
    }>(
      await run(
        '--json',
        'bench',
        'b',
        '--queries',
        '25',
        '--ef-search',
        '1,40,200',
        '--plot',
        svg,
      ),
    )
    assert.equal(report.queries, 25)
    const { tuning: tuned } = jsonOf<{ tuning: { value: number } | null }>(
      await run('--json', 'info', 'b'),
    )
    assert.deepEqual(
      report.results.map((r) => [r.setting, r.value]),
      [
        ['exact', null],
        ['efSearch', 1],
        ['efSearch', 40],
        ['efSearch', 200],
        // As an application's queries run: at the build's tuning, or at fixed rules without one.
        ['default', tuned?.value ?? null],
      ],
    )
    const [exact, one, , many] = report.results
    assert.equal(exact?.recall, 1)
    // ef_search=1 returns at most one row of ten: recall cannot pass 0.1.
    assert.ok((one?.recall as number) <= 0.1, `efSearch=1 recall ${one?.recall}`)
    assert.ok((many?.recall as number) > 0.9, `efSearch=200 recall ${many?.recall}`)
    for (const r of report.results) assert.ok(r.p50Ms > 0 && r.qps > 0)
    const drawn = await readFile(svg, 'utf8')
    assert.match(drawn, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    assert.equal((drawn.match(/<circle /g) ?? []).length, 5)
    assert.match(drawn, /default \((tuned: \d+|fixed rules)\)/)
    assert.match(drawn, /queries per second/)
    const wrongKnob = await run('bench', 'b', '--probes', '1,2')
    assert.equal(wrongKnob.code, EXIT_CODES.VECS_ARG)
  })

  test('delete removes a collection; deleting a missing one is not an error', async (t) => {
    const { run } = await workspace(t)
    succeeded(await run('create', 'gone', '--dim', '2'))
    const deleted = jsonOf<{ deleted: boolean }>(await run('--json', 'delete', 'gone'))
    assert.equal(deleted.deleted, true)
    assert.equal((await run('info', 'gone')).code, EXIT_CODES.VECS_COLLECTION_NOT_FOUND)
    const again = jsonOf<{ deleted: boolean }>(await run('--json', 'delete', 'gone'))
    assert.equal(again.deleted, false)
  })

  test('the database comes from --db, else VECS_DB, else ./vecs-data', async (t) => {
    const cwd = await tempDir(t)
    assert.equal((await vecs(['create', 'here', '--dim', '2'], { cwd })).code, 0)
    assert.ok(existsSync(join(cwd, 'vecs-data')))
    const other = join(cwd, 'other')
    assert.equal(
      (await vecs(['create', 'there', '--dim', '2'], { cwd, env: { VECS_DB: other } })).code,
      0,
    )
    const names = async (args: string[], env?: Record<string, string>) =>
      jsonOf<{ name: string }[]>(await vecs(['--json', ...args, 'list'], { cwd, env })).map(
        (c) => c.name,
      )
    assert.deepEqual(await names([]), ['here'])
    assert.deepEqual(await names([], { VECS_DB: other }), ['there'])
    assert.deepEqual(await names(['--db', other], { VECS_DB: join(cwd, 'vecs-data') }), ['there'])
  })

  test('a postgres:// URL works the same way, over the network driver', async (t) => {
    const path = await writeJsonl(join(await tempDir(t), 'url.jsonl'), randomVectors(300, 8, 61))
    const server = await servePGlite()
    try {
      const url = server.url as string
      assert.equal((await vecs(['--db', url, 'import', 'net', path])).code, 0)
      assert.equal((await vecs(['--db', url, 'index', 'net'])).code, 0)
      const rows = jsonOf<Row[]>(
        await vecs(['--db', url, '--json', 'query', 'net', '--id', 'r3', '--limit', '3']),
      )
      assert.equal(rows[0]?.id, 'r3')
      const withPassword = new URL(url)
      withPassword.password = 's3cret'
      const listed = await vecs(['--db', withPassword.toString(), '--schema', 'empty', 'list'])
      assert.equal(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, /no collections in postgres(ql)?:\/\/[^:]+:\*\*\*@/)
      assert.doesNotMatch(listed.stdout + listed.stderr, /s3cret/)
    } finally {
      await server.close()
    }
  })

  test('a terminal sees a progress bar with rows/s and ETA; a pipe sees plain lines', async (t) => {
    const { db, jsonl } = await workspace(t)
    const path = await jsonl('tty.jsonl', randomVectors(12_000, 16, 71))
    const command = [process.execPath, BIN, '--db', db, 'import', 'tty', path]
    // script(1) runs the command on a new pseudo-terminal, as a person's shell would.
    const terminal = await new Promise<string>((resolve, reject) =>
      execFile(
        'script',
        ['-qfec', command.map((a) => `'${a}'`).join(' '), '/dev/null'],
        { env: { ...process.env, NODE_OPTIONS: '' } },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    )
    assert.match(terminal, /\x1b\[/, 'no terminal control sequences')
    assert.match(terminal, /importing into tty [█░]+ +\d+% \| [\d,]+ rows \| [\d,]+ rows\/s \| ETA/)
    assert.match(terminal, /█{30} 100%/)
    assert.match(terminal, /imported 12,000 rows into tty/)
    const piped = await vecs(['--db', db, 'import', 'tty', path])
    assert.equal(piped.code, 0)
    assert.doesNotMatch(piped.stderr, /\x1b|█/)
    assert.match(piped.stderr, /^importing into tty…$/m)
    assert.match(piped.stderr, /^12,000 rows, [\d,]+ rows\/s$/m)
  })

  test('an unreachable server is one line and a non-zero exit', async () => {
    const r = await vecs(['--db', 'postgres://nobody:s3cret@127.0.0.1:1/none', 'list'])
    assert.notEqual(r.code, 0)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret/)
  })
})

/** A test's own directory, with its own embedded database `<dir>/db`, empty at the start. */
interface Workspace {
  dir: string
  db: string
  /** `vecs --db <dir>/db …` */
  run(...args: string[]): Promise<Run>
  /** Writes `<dir>/<name>` (see writeJsonl) and returns its path. */
  jsonl(name: string, vectors: number[][], prefix?: string): Promise<string>
}

async function workspace(t: TestContext): Promise<Workspace> {
  const dir = await tempDir(t)
  const db = join(dir, 'db')
  await cp(await emptyDatabase(), db, { recursive: true })
  return {
    dir,
    db,
    run: (...args) => vecs(['--db', db, ...args]),
    jsonl: (name, vectors, prefix) => writeJsonl(join(dir, name), vectors, prefix),
  }
}

/** A new temporary directory, removed after the test `t`. */
async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vecs-cli-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/**
 * An empty embedded database that `vecs list` made, for workspaces to copy: a new directory costs
 * PGlite's initdb (seconds of CPU), a copy of this one a few milliseconds. Made on first use.
 */
let emptyDb: Promise<string> | undefined
function emptyDatabase(): Promise<string> {
  emptyDb ??= mkdtemp(join(tmpdir(), 'vecs-cli-empty-')).then(async (dir) => {
    const db = join(dir, 'db')
    succeeded(await vecs(['--db', db, 'list']))
    return db
  })
  return emptyDb
}

async function removeEmptyDatabase(): Promise<void> {
  if (emptyDb) await rm(join(await emptyDb, '..'), { recursive: true, force: true })
}

/** One JSON record a line, ids `<prefix>0`, `<prefix>1`, …, metadata `{ i, even }`. */
async function writeJsonl(path: string, vectors: number[][], prefix = 'r'): Promise<string> {
  const lines = vectors.map((v, i) =>
    JSON.stringify({ id: `${prefix}${i}`, vector: v, metadata: { i, even: i % 2 === 0 } }),
  )
  await writeFile(path, lines.join('\n') + '\n')
  return path
}

/** A setup step of a test: it must have worked before the test checks what follows. */
function succeeded(run: Run): Run {
  assert.equal(run.code, 0, run.stderr)
  return run
}

/** The exact nearest, as ids `r0`, `r1`, … that the test files use. */
function nearest(vectors: number[][], q: number[], measure: Measure, k: number): string[] {
  return exactNearest(vectors, q, measure, k).map((id) => `r${id.slice(1)}`)
}

/** A 2-d float32 array as numpy.save writes it (format version 1.0). */
function npy(rows: number[][]): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, ${rows[0]?.length}), }`
  const unpadded = 10 + dict.length + 1
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n'
  const prefix = Buffer.alloc(10)
  Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]).copy(prefix)
  prefix.writeUInt16LE(header.length, 8)
  return Buffer.concat([
    prefix,
    Buffer.from(header, 'latin1'),
    Buffer.from(new Float32Array(rows.flat()).buffer),
  ])
}
