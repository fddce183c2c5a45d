/**
 * The retrieval set with known answers: documents are Webster's 1913 definitions of words, and
 * each query asks for one of those words through WordNet, an independent dictionary, so its one
 * relevant document is known.
 *
 * - A document is `word: definition`: the word's Webster entry (capped at `MAX_DOCUMENT_CHARS`).
 * - A `gloss` query is WordNet's definition of the word's most used sense, with the word and its
 *   inflections taken out, so it does not name the answer: meaning has to find it.
 * - A `named` query is the word and two content words of its document, those the gloss uses too
 *   first (`sandglass time sand`): it names the answer, and every word of it is in the answer,
 *   so keywords should find it.
 *
 * Words are those both dictionaries hold: lowercase letters only, one Webster entry (not a bare
 * `See …` or `Same as …`), at most `MAX_SYNSETS` WordNet senses, so that the two dictionaries
 * mean the same sense; a definition that repeats another word's word for word keeps only the
 * first word. Documents are a seeded sample of those words, and queries a seeded sample of the
 * documents, one query of each kind per sampled word.
 */
import { shuffledRange } from './glove-full.js'
import type { WordNetLemma } from './retrieval-sources.js'
import { capText, cleanDefinition, contentWords, keywords, removeWord } from './retrieval-words.js'

export const QUERY_KINDS = ['gloss', 'named'] as const
export type QueryKind = (typeof QUERY_KINDS)[number]

/** A document; its id is the word it defines. */
export interface RetrievalDocument {
  readonly id: string
  readonly text: string
}

export interface RetrievalQuery {
  /** `<kind>:<word>`. */
  readonly id: string
  readonly kind: QueryKind
  readonly text: string
  /** The id of the one relevant document. */
  readonly answer: string
}

export interface RetrievalSet {
  readonly documents: readonly RetrievalDocument[]
  /** Every `gloss` query, then the `named` queries of the same words in the same order. */
  readonly queries: readonly RetrievalQuery[]
}

export interface RetrievalSetSize {
  readonly documents: number
  /** Words asked about; each gets one query of each kind. */
  readonly queries: number
  readonly seed: number
}

export const DEFAULT_SIZE: RetrievalSetSize = { documents: 20_000, queries: 1_000, seed: 1 }

const MAX_SYNSETS = 2
const MAX_DOCUMENT_CHARS = 1_000
const MIN_DEFINITION_WORDS = 4
const MIN_GLOSS_WORDS = 3
const NAMED_CONTEXT_WORDS = 2

/** The set of `size`, built from the two dictionaries. */
export function buildRetrievalSet(
  webster: ReadonlyMap<string, string>,
  wordnet: ReadonlyMap<string, WordNetLemma>,
  size: RetrievalSetSize = DEFAULT_SIZE,
): RetrievalSet {
  const { documents, queries, seed } = size
  if (![documents, queries, seed].every(Number.isSafeInteger) || queries < 1) {
    throw new Error('documents, queries and seed must be whole numbers, and queries at least 1')
  }
  const entries = retrievalEntries(webster, wordnet)
  if (documents > entries.length) {
    throw new Error(`${entries.length} words qualify: ask for at most that many documents`)
  }
  if (queries > documents) throw new Error('queries are asked of documents: ask for fewer')
  const chosen = sample(entries, documents, seed)
  const asked = sample(chosen, queries, seed + 1)
  return {
    documents: chosen.map((e) => ({ id: e.word, text: e.document })),
    queries: QUERY_KINDS.flatMap((kind) =>
      asked.map((e) => ({ id: `${kind}:${e.word}`, kind, text: e[kind], answer: e.word })),
    ),
  }
}

/** A word that qualifies, with its document and its query of each kind. */
export interface RetrievalEntry extends Record<QueryKind, string> {
  readonly word: string
  readonly document: string
}

/** Every word that qualifies, in alphabetical order. */
export function retrievalEntries(
  webster: ReadonlyMap<string, string>,
  wordnet: ReadonlyMap<string, WordNetLemma>,
): RetrievalEntry[] {
  const seen = new Set<string>()
  const entries: RetrievalEntry[] = []
  for (const word of [...webster.keys()].sort()) {
    const entry = entryOf(word, webster.get(word) ?? '', wordnet.get(word))
    const key = entry?.document.slice(word.length).toLowerCase()
    if (entry === null || key === undefined || seen.has(key)) continue
    seen.add(key)
    entries.push(entry)
  }
  return entries
}

function entryOf(
  word: string,
  text: string,
  lemma: WordNetLemma | undefined,
): RetrievalEntry | null {
  if (!/^[a-z]{3,}$/.test(word) || lemma === undefined || lemma.synsets > MAX_SYNSETS) return null
  // The package joins a headword's separate entries with a blank line.
  if (text.includes('\n\n') || /^(See|Same as)\b/.test(text)) return null
  const definition = cleanDefinition(text)
  if (definition.split(' ').length < MIN_DEFINITION_WORDS) return null
  const document = capText(definition, MAX_DOCUMENT_CHARS)
  const gloss = removeWord(lemma.senses[0]?.definition ?? '', word)
  const glossWords = new Set(contentWords(gloss, word))
  if (glossWords.size < MIN_GLOSS_WORDS) return null
  return {
    word,
    document: `${word}: ${document}`,
    gloss,
    named: namedQuery(word, document, glossWords),
  }
}

/** The word and two words of its document: first those its gloss uses too, then the document's own. */
function namedQuery(word: string, document: string, glossWords: ReadonlySet<string>): string {
  const documentWords = new Set(keywords(document, word))
  const shared = [...glossWords].filter((w) => documentWords.has(w))
  const context = new Set([...shared, ...documentWords])
  return [word, ...context].slice(0, 1 + NAMED_CONTEXT_WORDS).join(' ')
}

function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  return shuffledRange(0, items.length, seed)
    .slice(0, n)
    .map((i) => items[i] as T)
}
