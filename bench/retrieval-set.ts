/**
 * Builds the retrieval set for the hybrid search benchmark (see retrieval-build.ts for what it
 * holds) and embeds it with vecs' bundled text model into bench/.cache/, resuming an interrupted
 * run. Needs the dictionaries: `npm run bench:data`.
 *
 * npx tsx bench/retrieval-set.ts [--documents 20000] [--queries 1000] [--seed 1]
 * npx tsx bench/retrieval-set.ts --speed      embeds 300 of its texts and estimates the whole build
 * npx tsx bench/retrieval-set.ts --text       recall@10 and MRR of PostgreSQL's full-text search alone
 */
import { parseArgs } from 'node:util'
import {
  buildRetrievalSet,
  DEFAULT_SIZE,
  QUERY_KINDS,
  type RetrievalSet,
} from './retrieval-build.js'
import { cachePath, embedSet, embedTexts } from './retrieval-cache.js'
import { log, round, saveReport, type ReportRow } from './report.js'
import { loadWebster, loadWordNet } from './retrieval-sources.js'
import { openTextSearch, TEXT_MATCHES } from './retrieval-text-search.js'

const SPEED_DOCUMENTS = 200
const SPEED_QUERIES = 100

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: String(DEFAULT_SIZE.documents) },
    queries: { type: 'string', default: String(DEFAULT_SIZE.queries) },
    seed: { type: 'string', default: String(DEFAULT_SIZE.seed) },
    speed: { type: 'boolean', default: false },
    text: { type: 'boolean', default: false },
  },
})
const size = {
  documents: Number(values.documents),
  queries: Number(values.queries),
  seed: Number(values.seed),
}
const set = buildRetrievalSet(loadWebster(), loadWordNet(), size)
log(`${set.documents.length} documents, ${set.queries.length} queries (gloss and named)`)

if (values.speed) {
  await measureSpeed(set)
} else if (values.text) {
  await measureTextSearch(set)
} else {
  const start = performance.now()
  await embedSet(set, size, (done, total) => {
    const seconds = (performance.now() - start) / 1000
    log(`embedded ${done}/${total} texts, ${seconds.toFixed(0)} s`)
  })
  log(`cached in ${cachePath(size)}.json and .f32`)
}

/** Texts per second for documents and for queries (the model loaded first), and the whole build. */
async function measureSpeed(set: RetrievalSet): Promise<void> {
  const loadStart = performance.now()
  await embedTexts(['warm-up'])
  log(`model load: ${((performance.now() - loadStart) / 1000).toFixed(2)} s`)
  const documents = await rate(set.documents.slice(0, SPEED_DOCUMENTS).map((d) => d.text))
  const gloss = set.queries.filter((q) => q.kind === 'gloss').slice(0, SPEED_QUERIES / 2)
  const named = set.queries.filter((q) => q.kind === 'named').slice(0, SPEED_QUERIES / 2)
  const queries = await rate([...gloss, ...named].map((q) => q.text))
  const seconds = set.documents.length / documents + set.queries.length / queries
  log(`documents: ${documents.toFixed(1)} texts/s (${SPEED_DOCUMENTS} texts)`)
  log(`queries: ${queries.toFixed(1)} texts/s (${SPEED_QUERIES} texts)`)
  log(`whole set: about ${(seconds / 60).toFixed(1)} min`)
}

async function rate(texts: string[]): Promise<number> {
  const start = performance.now()
  await embedTexts(texts)
  return texts.length / ((performance.now() - start) / 1000)
}

/** Each kind of query against each way of matching: recall@10, MRR, and answers never matched. */
async function measureTextSearch(set: RetrievalSet): Promise<void> {
  const search = await openTextSearch(set.documents)
  const rows: ReportRow[] = []
  for (const kind of QUERY_KINDS) {
    const queries = set.queries.filter((q) => q.kind === kind)
    for (const match of TEXT_MATCHES) {
      const ranks = []
      for (const query of queries) ranks.push(await search.rank(query, match))
      rows.push({ kind, match, queries: queries.length, ...rankMetrics(ranks) })
    }
  }
  await search.close()
  saveReport('retrieval-text', rows)
}

/** Recall@10 and MRR of one relevant answer per query; null ranks count as misses. */
function rankMetrics(ranks: readonly (number | null)[]) {
  const found = ranks.filter((r): r is number => r !== null)
  return {
    'recall@10': round(found.filter((r) => r <= 10).length / ranks.length),
    MRR: round(found.reduce((sum, r) => sum + 1 / r, 0) / ranks.length),
    unmatched: ranks.length - found.length,
  }
}
