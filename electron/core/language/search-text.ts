import { detectLanguage, type LanguageCode } from './detect-language';
import { hasStemmer, lightStem } from './stemmers';
import { STOP_SETS } from './stop-words';

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

/**
 * A query prepared exactly like passages: in its own language when it can be told, and
 * also in each of `documentLanguages` whose stemmer would change a word, since a short
 * query rarely says its language. Returns '' when no word is left.
 */
export function searchQueryText(query: string, documentLanguages: readonly string[] = []): string {
  const lang = detectLanguage(query);
  const own = tokens(query, lang);
  const terms = new Set(own);
  if (lang === 'und') {
    for (const other of documentLanguages) {
      if (!hasStemmer(other)) continue;
      for (const t of tokens(query, other as LanguageCode)) terms.add(t);
    }
  }
  return [...terms].slice(0, MAX_QUERY_TERMS).join(' ');
}
