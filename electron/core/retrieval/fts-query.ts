/** Past this, extra words add latency but not relevance (questions are rarely this long). */
export const MAX_QUERY_TERMS = 64;

// Upper-case operators are how users write boolean queries; our match query ORs anyway.
const OPERATORS = new Set(['AND', 'OR', 'NOT']);

/**
 * Reduces free text to plain words for a BM25 match query. Punctuation, quotes, colons and
 * operators are dropped, so nothing the user types can become query syntax or throw, and
 * the words split exactly as the index's "simple" tokenizer splits text. Returns '' when
 * no word is left; callers must then skip the search.
 */
export function cleanFtsQuery(raw: string): string {
  const words = raw
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .split(' ')
    .filter((w) => w !== '' && !OPERATORS.has(w));
  return words.slice(0, MAX_QUERY_TERMS).join(' ');
}
