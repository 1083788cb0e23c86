import { detectLanguage, type LanguageCode } from './detect-language';
import { hasStemmer, lightStem } from './stemmers';
import { QUESTION_SETS, STOP_SETS } from './stop-words';

/** Past this, extra query words add latency but not relevance. */
export const MAX_QUERY_TERMS = 64;
// The index drops longer tokens; base64 and hashes are not words anyway.
const MAX_TOKEN = 40;

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(lang: LanguageCode): Intl.Segmenter {
  const locale = lang === 'und' ? 'en' : lang;
  let s = segmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, s);
  }
  return s;
}

const HANGUL = /\p{Script=Hangul}/u;
const SEPARATOR = /[^\p{L}\p{N}\p{M}]+/u;

/** Words of a text: dictionary segmentation (so Japanese and Chinese split into words), then
 * split again at punctuation inside a segment, as the "simple" tokenizer would. */
function* words(text: string, lang: LanguageCode): Generator<string> {
  for (const { segment, isWordLike } of segmenter(lang).segment(text.normalize('NFKC'))) {
    if (!isWordLike) continue;
    for (const w of segment.toLowerCase().split(SEPARATOR)) if (w !== '') yield w;
  }
}

/** Korean glues particles to words (한국어는): character bigrams let 한국어 meet it. */
function* withBigrams(word: string): Generator<string> {
  yield word;
  if (word.length > 2 && HANGUL.test(word)) {
    for (let i = 0; i + 2 <= word.length; i++) yield word.slice(i, i + 2);
  }
}

function tokens(text: string, lang: LanguageCode): string[] {
  const stop = STOP_SETS[lang];
  const out: string[] = [];
  for (const w of words(text, lang)) {
    if (w.length > MAX_TOKEN || (stop && lang !== 'en' && stop.has(w))) continue;
    const stemmed = hasStemmer(lang) ? lightStem(w, lang) : w;
    for (const t of withBigrams(stemmed)) out.push(t);
  }
  return out;
}

/**
 * What the full-text index sees of a passage: its words in the document's language,
 * lower-cased, function words of that language dropped, lightly stemmed, space-separated.
 * The index splits on whitespace only, so text without spaces (Japanese, Chinese) is
 * searchable word by word.
 */
export function searchText(text: string, lang: LanguageCode): string {
  return tokens(text, lang).join(' ');
}

// Tried when a query's language cannot be told from its function words alone; English first,
// so that it wins a tie ("what is X" could be several languages' question).
const QUESTION_LANGUAGES: readonly LanguageCode[] = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];

/**
 * The language whose question and function words a query uses. A short question ("What is
 * DPR?") rarely has enough function words for detectLanguage, so its words are counted
 * against each language's lists; none at all (a keyword query) leaves it undetermined.
 */
function questionLanguage(query: string, detected: LanguageCode): LanguageCode {
  if (detected !== 'und') return detected;
  const seen = [...words(query, 'und')];
  let best: LanguageCode = 'und';
  let bestHits = 0;
  for (const lang of QUESTION_LANGUAGES) {
    const hits = seen.filter((w) => QUESTION_SETS[lang]!.has(w) || STOP_SETS[lang]!.has(w)).length;
    if (hits > bestHits) [best, bestHits] = [lang, hits];
  }
  return best;
}

/**
 * The query's words as the index would see them, each with its forms: its own language's
 * and, when that is unclear, each of `documentLanguages` whose stemmer would change it
 * (a short query rarely says its language). Question and function words are dropped (in
 * every language, English included), unless nothing else is left.
 */
export function queryTermGroups(
  query: string,
  documentLanguages: readonly string[] = [],
): string[][] {
  const detected = detectLanguage(query);
  const asked = questionLanguage(query, detected);
  const stems: LanguageCode[] = [detected];
  if (detected === 'und')
    for (const other of documentLanguages)
      if (hasStemmer(other) && !stems.includes(other as LanguageCode))
        stems.push(other as LanguageCode);
  const drop = (w: string) =>
    QUESTION_SETS[asked]?.has(w) === true || STOP_SETS[asked]?.has(w) === true;

  const all: string[][] = [];
  const kept: string[][] = [];
  const seen = new Set<string>();
  for (const w of words(query, detected)) {
    if (w.length > MAX_TOKEN || seen.has(w)) continue;
    seen.add(w);
    const forms = new Set<string>();
    for (const lang of stems) {
      // A language's function words never reach the index (English's are the index's to drop).
      if (lang !== 'en' && STOP_SETS[lang]?.has(w)) continue;
      for (const t of withBigrams(hasStemmer(lang) ? lightStem(w, lang) : w)) forms.add(t);
    }
    if (forms.size === 0) continue;
    all.push([...forms]);
    if (!drop(w)) kept.push([...forms]);
  }
  // "Who is it?" still searches for something.
  return kept.length > 0 ? kept : all;
}

/**
 * A query prepared exactly like passages (see queryTermGroups), every form of every word,
 * space-separated. Returns '' when no word is left.
 */
export function searchQueryText(query: string, documentLanguages: readonly string[] = []): string {
  const terms = new Set(queryTermGroups(query, documentLanguages).flat());
  return [...terms].slice(0, MAX_QUERY_TERMS).join(' ');
}
