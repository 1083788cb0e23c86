import type { Chunk } from '../../../shared/chunks';
import type { ParsedSection } from '../parsers';
import { BOUNDARY, isSpace, textUnits, trimSpan, type Unit } from './chunker-units';
import type { TokenCounter } from '../embedding/token-counter';

export { loadTokenCounter, type TokenCounter } from '../embedding/token-counter';

/** The chunker's output: the shared chunk shape (shared/chunks.ts). */
export type ChunkDraft = Chunk;

export type ChunkOptions = { maxTokens: number; overlapTokens: number };
export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxTokens: 256, overlapTokens: 32 };

/** A cut is only moved back to a better boundary if the chunk keeps at least this share. */
const MIN_FILL_FOR_BETTER_CUT = 0.5;

// What BERT's normalizer keeps as whitespace. It deletes control and format characters (U+0000,
// U+0085, U+FEFF, \v …) first, so a join made only of those glues its neighbours into one word.
const TOKENIZER_SPACE = /[\t\n\r\p{Z}]/u;

/**
 * Streams token-bounded chunks out of parsed sections.
 *
 * Rules:
 * - A chunk never spans two sections. Sections are PDF pages and Markdown/HTML heading
 *   sections, so a chunk lies on one page (pageStart === pageEnd) and under one heading path.
 * - Text is cut at the strongest boundary that keeps the chunk at least half full:
 *   paragraph (blank line), then sentence, then line, then word; a run with no spaces
 *   at all is cut by characters.
 * - Each chunk after the first in a section begins with about `overlapTokens` of the
 *   previous chunk's tail (whole pieces, then trailing words).
 * - `text === sectionText.slice(charStart - section.charStart, charEnd - section.charStart)`.
 * - Every piece is tokenized once and sums are used while packing. An emitted chunk is
 *   counted once more unless the counter is additive and the chunk has no mid-word cut,
 *   so `tokens` is exact and `tokens <= maxTokens` holds for any tokenizer, unless a single
 *   character costs more than the whole budget: it becomes a chunk of its own rather than lost.
 */
export async function* chunkSections(
  sections: AsyncIterable<ParsedSection>,
  counter: TokenCounter,
  options: Partial<ChunkOptions> = {},
): AsyncGenerator<ChunkDraft> {
  const maxTokens = options.maxTokens ?? DEFAULT_CHUNK_OPTIONS.maxTokens;
  const special = counter.count('');
  if (!(maxTokens > special + 1)) throw new RangeError(`maxTokens must exceed ${special + 1}`);
  // Overlap is capped at half a chunk so every chunk still brings new text.
  const overlapTokens = Math.max(
    0,
    Math.min(
      options.overlapTokens ?? DEFAULT_CHUNK_OPTIONS.overlapTokens,
      Math.floor((maxTokens - special) / 2),
    ),
  );
  let ordinal = 0;
  for await (const section of sections) {
    for (const chunk of chunkSection(section, counter, special, maxTokens, overlapTokens)) {
      yield { ...chunk, ordinal: ordinal++ };
    }
  }
}

type SectionChunk = Omit<ChunkDraft, 'ordinal'>;

function* chunkSection(
  section: ParsedSection,
  counter: TokenCounter,
  special: number,
  maxTokens: number,
  overlapTokens: number,
): Generator<SectionChunk> {
  const { text } = section;
  const budget = maxTokens - special;
  const cost = (start: number, end: number): number =>
    Math.max(0, counter.count(text.slice(start, end)) - special);
  const units = textUnits(text, cost, budget);

  let window: Unit[] = [];
  let windowTokens = 0;
  // Leading units of `window` repeated from the previous chunk.
  let overlapCount = 0;

  const sum = (list: Unit[]): number => list.reduce((n, u) => n + u.tokens, 0);

  // Sums are exact for an additive tokenizer when every join between pieces is whitespace.
  const trustSum = (start: number, end: number): boolean => {
    if (!counter.additive) return false;
    for (let i = start + 1; i < end; i++) {
      const joinStart = window[i - 1]?.end ?? 0;
      const joinEnd = window[i]?.start ?? 0;
      if (joinEnd <= joinStart || !TOKENIZER_SPACE.test(text.slice(joinStart, joinEnd)))
        return false;
    }
    return true;
  };

  const emit = (cut: number): SectionChunk | null => {
    // Otherwise count again: sums can be off where a cut fell inside a word.
    let end = cut;
    let start = 0;
    for (;;) {
      const first = window[start];
      const last = window[end - 1];
      if (!first || !last) return null;
      const chunkText = text.slice(first.start, last.end);
      const tokens = trustSum(start, end)
        ? special + sum(window.slice(start, end))
        : counter.count(chunkText);
      if (tokens <= maxTokens || end - start === 1) {
        const chunk: SectionChunk = {
          text: chunkText,
          pageStart: section.page,
          pageEnd: section.page,
          charStart: section.charStart + first.start,
          charEnd: section.charStart + last.end,
          headingPath: [...section.headingPath],
          tokens,
        };
        const tail = overlapTail(window.slice(start, end));
        window = [...tail, ...window.slice(end)];
        overlapCount = tail.length;
        windowTokens = sum(window);
        return chunk;
      }
      if (end - 1 > Math.max(start, overlapCount)) end--;
      else start++;
    }
  };

  const overlapTail = (emitted: Unit[]): Unit[] => {
    if (overlapTokens === 0) return [];
    const tail: Unit[] = [];
    let tokens = 0;
    let i = emitted.length - 1;
    for (; i >= 0; i--) {
      const u = emitted[i];
      if (!u || tokens + u.tokens > overlapTokens) break;
      tail.unshift(u);
      tokens += u.tokens;
    }
    const partial = emitted[i];
    const want = overlapTokens - tokens;
    if (partial && want >= overlapTokens / 4) {
      const piece = trailingWords(partial, want);
      if (piece) tail.unshift(piece);
    }
    return tail;
  };

  // The last words of a unit worth about `want` tokens, measured exactly.
  const trailingWords = (unit: Unit, want: number): Unit | null => {
    const charsPerToken = (unit.end - unit.start) / Math.max(1, unit.tokens);
    let from = Math.max(unit.start + 1, Math.round(unit.end - want * charsPerToken));
    for (let attempt = 0; attempt < 3 && from < unit.end; attempt++) {
      while (from < unit.end && !isSpace(text.charCodeAt(from - 1))) from++;
      const [start, end] = trimSpan(text, from, unit.end);
      if (start >= end) return null;
      const tokens = cost(start, end);
      if (tokens <= want) return { start, end, tokens, level: BOUNDARY.word };
      from = start + ((end - start) >> 1);
    }
    return null;
  };

  // Cut before the strongest boundary that keeps the chunk at least half full.
  const chooseCut = (nextLevel: number): number => {
    let best = window.length;
    let bestLevel = nextLevel;
    let prefix = windowTokens;
    for (let k = window.length - 1; k > overlapCount; k--) {
      const u = window[k];
      if (!u) break;
      prefix -= u.tokens;
      if (prefix < budget * MIN_FILL_FOR_BETTER_CUT) break;
      if (u.level > bestLevel) {
        best = k;
        bestLevel = u.level;
      }
    }
    return best;
  };

  for (const unit of units) {
    while (window.length > 0 && windowTokens + unit.tokens > budget) {
      if (window.length === overlapCount) {
        // Only repeated text is left and the next piece does not fit beside it.
        window = [];
        windowTokens = 0;
        overlapCount = 0;
        break;
      }
      const chunk = emit(chooseCut(unit.level));
      if (chunk) yield chunk;
    }
    window.push(unit);
    windowTokens += unit.tokens;
  }
  while (window.length > overlapCount) {
    const chunk = emit(window.length);
    if (!chunk) break;
    yield chunk;
  }
}
