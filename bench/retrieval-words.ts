/**
 * Word-level text handling for the retrieval set: Webster's markup cleaned away, a headword and
 * its inflections taken out of a gloss, and the content words a short query is made from.
 */

/** Function words, too common to say what a text is about (PostgreSQL keeps its own list). */
const STOPWORDS = new Set(
  (
    'a about above after again against all also an and any are as at be because been before ' +
    'being below between both but by can could did do does doing down during each either else ' +
    'esp etc ever few for from further had has have having he her here hers him his how if in ' +
    'into is it its itself just like made make many may more most much must no nor not now of ' +
    'off often on once one only or other others our out over own same she should so some such ' +
    'than that the their them then there these they this those through thus to too under until ' +
    'up upon usually very was way were what when where which while who whom whose why will with ' +
    'within without would yet you your'
  ).split(' '),
)

/** The filler of definitions, and Webster's labels (`Obs.`, `Zoöl.`): no use as a keyword. */
const FILLER = new Set(
  (
    'act anat applied archaic bot called certain chem colloq condition especially formerly ' +
    'generally kind manner med naut obs originally person pertaining quality relating see ' +
    'several something someone sort state syn thing used various zool zoöl'
  ).split(' '),
)

/** Webster's syllable and accent marks (`Beau"ti*ful*ly`) dropped, whitespace collapsed. */
export function cleanDefinition(text: string): string {
  return text
    .replace(/(\p{L})[`*"]+(?=\p{L})/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}

/** At most `max` characters, cut after the last sentence that fits (or the last word). */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text
  const head = text.slice(0, max)
  const sentence = head.lastIndexOf('. ')
  if (sentence >= max / 2) return head.slice(0, sentence + 1)
  return head.slice(0, head.lastIndexOf(' ')).replace(/[,;:(-]+$/, '')
}

/** `text` with every form of `word` taken out, and the punctuation left behind tidied. */
export function removeWord(text: string, word: string): string {
  const forms = inflections(word)
  return text
    .replace(/\p{L}+/gu, (token) => (forms.has(token.toLowerCase()) ? '' : token))
    .replace(/\(\s*\)|(^|\s)[-']+(?=\s|$)/g, '$1')
    .replace(/\s+([,;:.)])/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:.-]+/, '')
    .trim()
}

/** Content words of `text` a searcher might type: no filler either. */
export function keywords(text: string, word: string): string[] {
  return contentWords(text, word).filter((w) => !FILLER.has(w))
}

/** Lowercase words of `text` that say what it is about: no stopwords, no forms of `word`. */
export function contentWords(text: string, word: string): string[] {
  const forms = inflections(word)
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? []
  return words.filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !forms.has(w))
}

/**
 * The word and its regular inflections: plurals, tenses, comparatives, with a final e dropped,
 * a y turned to i, a final consonant doubled, and the common Latin and -f plurals.
 */
export function inflections(word: string): Set<string> {
  const forms = new Set([word])
  const add = (stem: string, suffixes: string) => {
    for (const suffix of suffixes.split(' ')) forms.add(stem + suffix)
  }
  add(word, 's es ed ing er ers est')
  if (word.endsWith('e')) add(word.slice(0, -1), 'ing d r st')
  if (/[^aeiou]y$/.test(word)) add(word.slice(0, -1), 'ies ied ier iest')
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(word)) add(word + word.slice(-1), 'ed ing er est')
  for (const [from, to] of LATIN_PLURALS) {
    if (word.endsWith(from)) forms.add(word.slice(0, -from.length) + to)
  }
  return forms
}

const LATIN_PLURALS = [
  ['is', 'es'],
  ['us', 'i'],
  ['um', 'a'],
  ['on', 'a'],
  ['a', 'ae'],
  ['fe', 'ves'],
  ['f', 'ves'],
  ['x', 'ces'],
] as const
