// A document as page-anchored passages (one per PDF page, or per heading section), and those
// passages packed into sections that each fit one prompt.
import type { DocumentText } from './chat-types';
import { formatSource, type Passage } from './prompt';

/**
 * One passage per page (or, without pages, per run of chunks under one heading), in reading
 * order. Chunks overlap, and their offsets are exact, so the overlap is dropped when joining.
 */
export function pagePassages(doc: DocumentText): Passage[] {
  const passages: Passage[] = [];
  let current: Passage | null = null;
  for (const chunk of doc.chunks) {
    const samePlace =
      current !== null &&
      (chunk.pageStart !== null
        ? chunk.pageStart === current.pageStart
        : current.pageStart === null &&
          chunk.headingPath.join('\u0000') === current.headingPath.join('\u0000'));
    if (!current || !samePlace) {
      current = {
        chunkId: chunk.id,
        documentId: doc.id,
        title: doc.title,
        path: doc.path,
        pageStart: chunk.pageStart,
        pageEnd: chunk.pageEnd ?? chunk.pageStart,
        charStart: chunk.charStart,
        charEnd: chunk.charEnd,
        headingPath: chunk.headingPath,
        snippet: '',
        score: 0,
        text: chunk.text,
      };
      passages.push(current);
      continue;
    }
    const fresh =
      chunk.charStart >= current.charEnd
        ? `\n${chunk.text}`
        : chunk.text.slice(Math.min(chunk.text.length, current.charEnd - chunk.charStart));
    current.text += fresh;
    current.charEnd = Math.max(current.charEnd, chunk.charEnd);
  }
  return passages;
}

/**
 * A run of consecutive pages (or parts of pages) that fits one prompt. `sourceNumbers[k]` is
 * the document-wide source number (1-based, one per page) of the section's source k+1; `tokens`
 * is what its sources cost.
 */
export type Section = { passages: Passage[]; sourceNumbers: number[]; tokens: number };

/**
 * Below this share of a section, a page is not cut to fill the end of one: the piece would
 * save little and split the page for nothing.
 */
const MIN_PIECE_SHARE = 0.25;

/**
 * Packs pages, in order, into sections of at most `budget` tokens (numbered as sources 1..m
 * inside each section). Sections are filled: a page that does not fit what is left of one is
 * cut (at a sentence or word) and goes on in the next, and the last part of a long page shares
 * its section with the pages after it. Each part still cites its page. Fewer, fuller sections
 * mean fewer prompts and fewer notes to combine.
 */
export async function packSections(
  passages: readonly Passage[],
  budget: number,
  countTokens: (text: string) => Promise<number>,
): Promise<Section[]> {
  const sections: Section[] = [];
  let current: Section | null = null;
  const close = () => {
    if (current) sections.push(current);
    current = null;
  };
  for (let i = 0; i < passages.length; i++) {
    let rest: Passage | null = passages[i]!;
    while (rest) {
      const section: Section = current ?? { passages: [], sourceNumbers: [], tokens: 0 };
      const n = section.passages.length + 1;
      const left = budget - section.tokens;
      const cost = await sourceCost(n, rest, countTokens);
      let piece: Passage | null = null;
      if (cost <= left) piece = rest;
      else if (!current || left >= budget * MIN_PIECE_SHARE) {
        piece = await cutAtSentence(rest, left, countTokens, n);
        // The label alone may not fit a tiny budget: then a few words still make progress.
        if (!piece.text.trim()) piece = current ? null : { ...rest, text: rest.text.slice(0, 16) };
      }
      if (!piece) {
        close(); // what is left here is too little: the page starts the next section
        continue;
      }
      section.passages.push(piece);
      section.sourceNumbers.push(i + 1);
      section.tokens += piece === rest ? cost : await sourceCost(n, piece, countTokens);
      current = section;
      if (piece === rest) break;
      close();
      const remainder = rest.text.slice(piece.text.length).trimStart();
      rest = remainder ? { ...rest, text: remainder } : null;
    }
  }
  close();
  return sections;
}

/**
 * The longest start of the passage that costs at most `budget` tokens, ended at a sentence or
 * line when one is near the cut. Searched over word ends, so a section is filled, not just
 * brought under budget; text without spaces (one long "word") is cut inside it.
 */
async function cutAtSentence(
  passage: Passage,
  budget: number,
  countTokens: (text: string) => Promise<number>,
  n: number,
): Promise<Passage> {
  const ends = [...passage.text.matchAll(/\S(?=\s|$)/g)].map((m) => m.index + 1);
  let best = 0;
  for (let lo = 0, hi = ends.length - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    const text = passage.text.slice(0, ends[mid]);
    if ((await sourceCost(n, { ...passage, text }, countTokens)) <= budget) {
      best = ends[mid]!;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best === 0) return cutToFit(passage, budget, countTokens, n);
  const cut = passage.text.slice(0, best);
  // Only the last tenth is given up for a clean end, so the section stays nearly full.
  const from = Math.floor(cut.length * 0.9);
  let end = -1;
  for (const m of cut.slice(from).matchAll(/[.!?:;]["')\]]*(?=\s)|\n/g))
    end = from + m.index + m[0].length;
  return { ...passage, text: end > 0 ? cut.slice(0, end) : cut };
}

export async function sourceCost(
  n: number,
  passage: Passage,
  countTokens: (text: string) => Promise<number>,
): Promise<number> {
  // Two tokens for the blank line between sources.
  return (await countTokens(formatSource(n, passage))) + 2;
}

/** The passage with its text shortened (at a word) until it costs at most `budget` tokens. */
export async function cutToFit(
  passage: Passage,
  budget: number,
  countTokens: (text: string) => Promise<number>,
  n = 1,
): Promise<Passage> {
  let text = passage.text;
  let cost = await sourceCost(n, { ...passage, text }, countTokens);
  while (cost > budget && text.length > 0) {
    const keep = Math.floor(text.length * Math.min(0.9, budget / cost));
    text = text.slice(0, keep).replace(/\s+\S*$/, '');
    if (keep <= 1) text = '';
    else if (!text) text = passage.text.slice(0, keep); // one long word: cut inside it
    cost = await sourceCost(n, { ...passage, text }, countTokens);
  }
  return { ...passage, text };
}

export function pagesLabel(passages: readonly Passage[]): string {
  const pages = passages.flatMap((p) => (p.pageStart === null ? [] : [p.pageStart]));
  if (pages.length === 0) return '';
  const first = Math.min(...pages);
  const last = Math.max(...pages);
  return first === last ? `page ${first}` : `pages ${first}–${last}`;
}
