/**
 * The retrieval set embedded with vecs' bundled text model, cached under bench/.cache/ (ignored by
 * git): `retrieval-<documents>-<queries>-<seed>.json` holds the texts, `.f32` their vectors as
 * little-endian float32 rows (documents, then queries, in the JSON's order). Vectors are appended
 * a chunk at a time, so an interrupted build resumes where it stopped.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { Adapter, TEXT_MODELS, TextEmbedding } from '../src/index.js'
import type { AdapterRecord } from '../src/index.js'
import type { RetrievalSet, RetrievalSetSize } from './retrieval-build.js'

const MODEL = new TextEmbedding().model
export const DIMENSION = TEXT_MODELS[MODEL].dimension
const CHUNK = 256
const ROW_BYTES = DIMENSION * 4

export interface EmbeddedSet extends RetrievalSet {
  readonly model: string
  /** Row `i` is `documents[i]`; row `documents.length + j` is `queries[j]`. */
  readonly vectors: Float32Array
}

/** Where the set of `size` is cached, without the extension (`kind`: `passages` for passages.ts). */
export function cachePath(size: RetrievalSetSize, kind = 'retrieval'): string {
  const dir = new URL('./.cache/', import.meta.url).pathname
  return `${dir}${kind}-${size.documents}-${size.queries}-${size.seed}`
}

/** The cached set of `size` if it is there and fully embedded, else null. */
export function readEmbeddedSet(size: RetrievalSetSize, kind = 'retrieval'): EmbeddedSet | null {
  const path = cachePath(size, kind)
  if (!existsSync(`${path}.json`) || !existsSync(`${path}.f32`)) return null
  const set = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as RetrievalSet & { model: string }
  const bytes = readFileSync(`${path}.f32`)
  if (bytes.length !== textsOf(set).length * ROW_BYTES) return null
  const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
  return { ...set, vectors }
}

/**
 * Embeds what the cache of `size` does not hold yet. A cache made from other texts (the
 * dictionaries or the build changed) is started again.
 */
export async function embedSet(
  set: RetrievalSet,
  size: RetrievalSetSize,
  progress: (done: number, total: number) => void,
  kind = 'retrieval',
): Promise<EmbeddedSet> {
  const { path, texts } = openCache(set, size, kind)
  await embedRange(texts, `${path}.f32`, 0, texts.length, (done) => progress(done, texts.length))
  const embedded = readEmbeddedSet(size, kind)
  if (embedded === null) throw new Error(`${path}.f32 does not hold a vector for every text`)
  return embedded
}

/**
 * The cache of `size` made ready to embed into: its texts written (a cache made from other texts,
 * the dictionaries or the build changed, is started again). Returns its path and the texts.
 */
export function openCache(
  set: RetrievalSet,
  size: RetrievalSetSize,
  kind = 'retrieval',
): { path: string; texts: string[] } {
  const path = cachePath(size, kind)
  const json = JSON.stringify({ model: MODEL, ...set })
  mkdirSync(new URL('./.cache/', import.meta.url), { recursive: true })
  const same = existsSync(`${path}.json`) && readFileSync(`${path}.json`, 'utf8') === json
  if (!same || !existsSync(`${path}.f32`)) {
    writeFileSync(`${path}.json`, json)
    writeFileSync(`${path}.f32`, '')
  }
  return { path, texts: textsOf(set) }
}

/**
 * Embeds `texts[from, to)` into `file`, whose row 0 is text `from`: what the file holds already is
 * kept and the rest appended a chunk at a time, so a stopped run resumes. `progress` hears the
 * texts done (counted from 0).
 */
export async function embedRange(
  texts: readonly string[],
  file: string,
  from: number,
  to: number,
  progress: (done: number) => void,
): Promise<void> {
  if (!existsSync(file)) writeFileSync(file, '')
  const cached = from + rowsIn(file)
  if (cached > from) progress(cached)
  for (let done = cached; done < to; done += CHUNK) {
    const end = Math.min(done + CHUNK, to)
    const vectors = await embedTexts(texts.slice(done, end))
    appendFileSync(file, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength))
    progress(end)
  }
}

/** Whole rows in the file; a row cut short by an interruption is dropped. */
export function rowsIn(file: string): number {
  const rows = Math.floor(statSync(file).size / ROW_BYTES)
  truncateSync(file, rows * ROW_BYTES)
  return rows
}

/** Vectors of `texts`, back to back, through vecs' public adapter API. */
export async function embedTexts(texts: readonly string[]): Promise<Float32Array> {
  const adapter = new Adapter([new TextEmbedding()])
  const records = texts.map((text, i): AdapterRecord<string> => [String(i), text, {}])
  const vectors = new Float32Array(texts.length * DIMENSION)
  let row = 0
  for await (const [id, vector] of adapter.run(records, 'upsert')) {
    if (!(vector instanceof Float32Array)) throw new Error(`text ${id} gave no vector`)
    vectors.set(vector, row++ * DIMENSION)
  }
  return vectors
}

function textsOf(set: RetrievalSet): string[] {
  return [...set.documents.map((d) => d.text), ...set.queries.map((q) => q.text)]
}
