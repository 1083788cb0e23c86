/**
 * Splits a section's text into small measured pieces ("units") that the chunker packs.
 * Every unit is a trimmed slice [start, end) of the section text, so chunk offsets stay
 * exact, and carries how good a place its start is to begin a chunk.
 */

/** How strong the boundary before a unit is; the chunker prefers to cut at higher levels. */
export const BOUNDARY = { word: 0, line: 1, sentence: 2, paragraph: 3 } as const;
export type BoundaryLevel = (typeof BOUNDARY)[keyof typeof BOUNDARY];

export type Unit = {
  start: number;
  end: number;
  /** Tokens of this slice alone, without the tokenizer's special tokens. */
  tokens: number;
  level: BoundaryLevel;
};

/** Token cost of text.slice(start, end), special tokens excluded. */
export type SliceCost = (start: number, end: number) => number;

export function isSpace(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Narrows [start, end) to exclude leading and trailing whitespace. */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

// A blank line (spaces allowed) and the whitespace after it.
const PARAGRAPH_BREAK = /\n[^\S\n]*\n\s*/g;
// Sentence ends: Latin punctuation before whitespace, CJK full stops anywhere.
const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)|[。！？]+["'”’」』)\]]*/g;

/** Where to split an over-long span: the whitespace nearest its middle, else the middle char. */
function splitPoint(text: string, start: number, end: number): [number, number] {
  const mid = (start + end) >> 1;
  for (let d = 0; mid - d > start || mid + d < end; d++) {
    for (const i of [mid + d, mid - d]) {
      if (i > start && i < end && isSpace(text.charCodeAt(i))) {
        const [, left] = trimSpan(text, start, i);
        const [right] = trimSpan(text, i, end);
        return [left, right];
      }
    }
  }
  // No whitespace at all (a URL, base64, CJK run): cut by characters, never inside a surrogate pair.
  let cut = mid;
  const code = text.charCodeAt(cut);
  if (code >= 0xdc00 && code <= 0xdfff && cut > start + 1) cut--;
  return [cut, cut];
}

function* measured(
  text: string,
  start: number,
  end: number,
  level: BoundaryLevel,
  cost: SliceCost,
  budget: number,
): Generator<Unit> {
  const tokens = cost(start, end);
  if (tokens <= budget || end - start <= 1) {
    yield { start, end, tokens, level };
    return;
  }
  // Halving keeps the number of tokenizer calls at O(n log n) even for a pathological run.
  const [left, right] = splitPoint(text, start, end);
  if (left <= start || right >= end) {
    yield { start, end, tokens, level };
    return;
  }
  yield* measured(text, start, left, level, cost, budget);
  yield* measured(text, right, end, BOUNDARY.word, cost, budget);
}

function* lineUnits(
  text: string,
  start: number,
  end: number,
  level: BoundaryLevel,
  cost: SliceCost,
  budget: number,
): Generator<Unit> {
  let pos = start;
  let lineLevel = level;
  while (pos < end) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    const [s, e] = trimSpan(text, pos, lineEnd);
    if (s < e) {
      yield* measured(text, s, e, lineLevel, cost, budget);
      lineLevel = BOUNDARY.line;
    }
    pos = lineEnd + 1;
  }
}

function* sentenceUnits(
  text: string,
  start: number,
  end: number,
  cost: SliceCost,
  budget: number,
): Generator<Unit> {
  // Searching a copy of the paragraph keeps a punctuation-free document linear.
  const paragraph = text.slice(start, end);
  const re = new RegExp(SENTENCE_END.source, 'g');
  let level: BoundaryLevel = BOUNDARY.paragraph;
  let pos = start;
  while (pos < end) {
    re.lastIndex = pos - start;
    const m = re.exec(paragraph);
    const sentenceEnd = m ? start + m.index + m[0].length : end;
    const [s, e] = trimSpan(text, pos, sentenceEnd);
    if (s < e) {
      yield* lineUnits(text, s, e, level, cost, budget);
      level = BOUNDARY.sentence;
    }
    pos = sentenceEnd;
  }
}

/**
 * Units of a text, lazily, in order: paragraphs (split at blank lines), then sentences,
 * then lines; a piece still above `budget` tokens is halved at whitespace, then at characters.
 */
export function* textUnits(text: string, cost: SliceCost, budget: number): Generator<Unit> {
  const re = new RegExp(PARAGRAPH_BREAK.source, 'g');
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    const paragraphEnd = m ? m.index : text.length;
    const [s, e] = trimSpan(text, pos, paragraphEnd);
    if (s < e) yield* sentenceUnits(text, s, e, cost, budget);
    pos = m ? m.index + m[0].length : text.length;
  }
}
