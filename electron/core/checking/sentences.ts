// An answer's sentences, with their offsets and the sources each one cites.
import { findCitationMarkers } from '../../../shared/citations';

export type AnswerSentence = {
  start: number;
  end: number;
  /** Source numbers cited, valid or not, in order of appearance. */
  citations: number[];
  /** The sentence with its citation markers blanked out (same length, so offsets hold). */
  claim: string;
};

// A marker with any number (even one never given) counts here: citing [7] of 5 is worth a verdict.
const ANY_MARKER = /\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]/g;
const LEADING_MARKERS = /^\s*(?:\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]\s*)+/;
// Abbreviations a sentence segmenter would end a sentence at.
const ABBREVIATION =
  /\b(?:et al|e\.g|i\.e|cf|vs|fig|figs|eq|no|approx|dr|mr|mrs|ms|prof|st|inc|ltd|ca|resp)\.\s*$/i;

const segmenters = new Map<string, Intl.Segmenter>();
function sentenceSegmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: 'sentence' });
    segmenters.set(locale, s);
  }
  return s;
}

/** The numbers in every citation marker of a text, each marker expanded ([2-4] is 2, 3, 4). */
export function citedNumbers(text: string): number[] {
  const numbers: number[] = [];
  for (const marker of findCitationMarkers(text, 999)) numbers.push(...marker.numbers);
  return numbers;
}

/** The text with every citation marker replaced by spaces, so offsets hold. */
export function blankMarkers(text: string): string {
  return text.replace(ANY_MARKER, (m) => ' '.repeat(m.length));
}

/** Line ranges outside fenced code: code is not prose to check. */
function proseRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let inFence = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    const next = offset + line.length + 1;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.trim() !== '') ranges.push([offset, offset + line.length]);
    offset = next;
  }
  return ranges;
}

/**
 * Splits an answer into sentences. Lines (list items, headings) always end a sentence, and a
 * citation written after the full stop ("… 12 %. [2]") belongs to the sentence before it.
 * While the answer streams, pass `final: false`: the last sentence is left out until
 * something follows it, since more of it (or its citation) may still come.
 */
export function splitSentences(
  text: string,
  options: { final: boolean; locale?: string },
): AnswerSentence[] {
  const pieces: Array<[number, number]> = [];
  for (const [from, to] of proseRanges(text)) {
    const line = text.slice(from, to);
    for (const { segment, index } of sentenceSegmenter(options.locale ?? 'en').segment(line)) {
      const start = from + index;
      pieces.push([start, start + segment.length]);
    }
  }
  // Move leading citation markers back onto the sentence they close, and rejoin abbreviations.
  const merged: Array<[number, number]> = [];
  for (const [from, to] of pieces) {
    const piece = text.slice(from, to);
    const lead = LEADING_MARKERS.exec(piece);
    const last = merged[merged.length - 1];
    if (last && lead && text.slice(last[1], from).indexOf('\n') === -1) {
      last[1] = from + lead[0].trimEnd().length;
      if (lead[0].length < piece.length) merged.push([from + lead[0].length, to]);
      continue;
    }
    if (
      last &&
      ABBREVIATION.test(text.slice(last[0], last[1])) &&
      text.slice(last[1], from).indexOf('\n') === -1
    ) {
      last[1] = to;
      continue;
    }
    merged.push([from, to]);
  }
  const sentences: AnswerSentence[] = [];
  merged.forEach(([from, to], i) => {
    const raw = text.slice(from, to);
    // A list bullet or heading mark is layout, not part of the sentence.
    const lead = /^\s*(?:(?:[-*+]|\d{1,3}[.)]|#{1,6}|>)\s+)?/.exec(raw)![0].length;
    const start = from + lead;
    const end = to - (raw.length - raw.trimEnd().length);
    if (end <= start) return;
    // Streaming: the last piece may still grow, and a piece is closed only once the next has begun.
    if (!options.final && i === merged.length - 1) return;
    const body = text.slice(start, end);
    if (!/[\p{L}\p{N}]/u.test(blankMarkers(body))) {
      // Only markers: they belong to the sentence before.
      const prev = sentences[sentences.length - 1];
      if (prev) {
        prev.end = end;
        prev.citations.push(...citedNumbers(body));
        prev.claim = blankMarkers(text.slice(prev.start, end));
      }
      return;
    }
    sentences.push({ start, end, citations: citedNumbers(body), claim: blankMarkers(body) });
  });
  return sentences;
}
