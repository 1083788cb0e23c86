// Words compared as the full-text index compares them, and how rare each is in the library.
import { stemmer } from 'stemmer';
import { detectLanguage, type LanguageCode } from './detect-language';
import { searchText } from './search-text';

// The index stems English itself (Snowball); outside it, plain-letter terms get Porter's stem,
// the same on every side of a comparison, so "passages" meets "passage".
const PLAIN_LETTERS = /^[a-z]+$/;

// Stemming is most of the cost of reading a library's words; a vocabulary repeats a lot.
const STEM_CACHE_LIMIT = 200_000;
const stems = new Map<string, string>();

/** One term as compared: the index's word, with English inflection removed. */
export function termKey(term: string): string {
  if (!PLAIN_LETTERS.test(term) || term.length <= 3) return term;
  let stem = stems.get(term);
  if (stem === undefined) {
    if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
    stem = stemmer(term);
    stems.set(term, stem);
  }
  return stem;
}

/** The comparable terms of a text, in order (stop words of its language dropped, as the index does). */
export function termKeys(text: string, lang: LanguageCode = detectLanguage(text)): string[] {
  const prepared = searchText(text, lang);
  return prepared === '' ? [] : prepared.split(' ').map(termKey);
}

/** Keys of an already prepared `fts_text` column value. */
export function keysOfSearchText(prepared: string): string[] {
  return prepared === '' ? [] : prepared.split(' ').map(termKey);
}

/**
 * Document frequencies of term keys over a set of passages. Rarity is the library's own:
 * a word in few of its passages says something specific, so a sentence that uses it must
 * have it in its source.
 */
export class TermStats {
  private readonly df = new Map<string, number>();
  private count = 0;

  /** Passages counted. */
  get passages(): number {
    return this.count;
  }

  addPassage(keys: Iterable<string>): void {
    this.count++;
    for (const key of new Set(keys)) this.df.set(key, (this.df.get(key) ?? 0) + 1);
  }

  documentFrequency(key: string): number {
    return this.df.get(key) ?? 0;
  }

  /** Inverse document frequency as BM25 computes it (never negative). */
  idf(key: string): number {
    const n = this.documentFrequency(key);
    return Math.log(1 + (this.count - n + 0.5) / (n + 0.5));
  }

  /** The share of passages holding the key (0 for a key the library has never seen). */
  share(key: string): number {
    return this.count === 0 ? 0 : this.documentFrequency(key) / this.count;
  }

  static fromTexts(texts: Iterable<string>): TermStats {
    const stats = new TermStats();
    for (const text of texts) stats.addPassage(termKeys(text));
    return stats;
  }
}
