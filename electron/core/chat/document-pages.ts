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
 * A run of consecutive pages that fits one prompt. `sourceNumbers[k]` is the document-wide
 * source number (1-based, one per page) of the section's source k+1.
 */
export type Section = { passages: Passage[]; sourceNumbers: number[] };

/**
 * Packs pages, in order, into sections of at most `budget` tokens (numbered as sources 1..m
 * inside each section). A section ends at a page boundary; a page larger than the budget is
 * read in parts, each a section of its own that still cites that page.
 */
export async function packSections(
  passages: readonly Passage[],
  budget: number,
  countTokens: (text: string) => Promise<number>,
): Promise<Section[]> {
  const sections: Section[] = [];
  let current: Section | null = null;
  let used = 0;
  for (let i = 0; i < passages.length; i++) {
    const passage = passages[i]!;
    const n = (current?.passages.length ?? 0) + 1;
    const cost = await sourceCost(n, passage, countTokens);
    if (current && used + cost <= budget) {
      current.passages.push(passage);
      current.sourceNumbers.push(i + 1);
      used += cost;
      continue;
    }
    if (current) sections.push(current);
    current = null;
    used = 0;
    const alone = await sourceCost(1, passage, countTokens);
    if (alone <= budget) {
      current = { passages: [passage], sourceNumbers: [i + 1] };
      used = alone;
      continue;
    }
    for (const part of await splitToFit(passage, budget, countTokens))
      sections.push({ passages: [part], sourceNumbers: [i + 1] });
  }
  if (current) sections.push(current);
  return sections;
}

/** A passage too large for one prompt, as consecutive parts that each fit (cut at words). */
async function splitToFit(
  passage: Passage,
  budget: number,
  countTokens: (text: string) => Promise<number>,
): Promise<Passage[]> {
  const parts: Passage[] = [];
  let rest = passage.text;
  while (rest.trim()) {
    let part = await cutToFit({ ...passage, text: rest }, budget, countTokens);
    // The label alone may not fit a tiny budget: then a few words still make progress.
    if (!part.text.trim()) part = { ...passage, text: rest.slice(0, 16) };
    parts.push(part);
    rest = rest.slice(part.text.length);
  }
  return parts;
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
