/** The fields of a pdf.js text content item the page text depends on. */
export type PdfTextItemLike = {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
};
type ContentPart = PdfTextItemLike | { type: string };

function isTextItem(part: ContentPart): part is PdfTextItemLike {
  return typeof (part as { str?: unknown }).str === 'string';
}

function lineShift(prev: PdfTextItemLike, item: PdfTextItemLike): number {
  const [a = 1, b = 0] = prev.transform;
  const len = Math.hypot(a, b) || 1;
  const dx = (item.transform[4] ?? 0) - (prev.transform[4] ?? 0);
  const dy = (item.transform[5] ?? 0) - (prev.transform[5] ?? 0);
  return Math.abs((dy * a - dx * b) / len);
}

function textHeight(prev: PdfTextItemLike, item: PdfTextItemLike): number {
  const h = Math.max(prev.height, item.height);
  if (h > 0) return h;
  return Math.hypot(prev.transform[2] ?? 0, prev.transform[3] ?? 0);
}

/** Where one text item's `str` sits in the page text. `item` counts text items only. */
export type ItemSpan = { item: number; start: number; end: number };

/**
 * Rebuilds the page text exactly as the indexer does (see the core's pdf-text rule):
 * each item's `str`, '\n' after `hasEOL`, and one ' ' where the baseline moves by more
 * than half a text height but pdf.js marked no EOL. Also records each item's offsets,
 * which index pdf.js TextLayer's `textDivs` one to one.
 */
export function layoutPageText(items: readonly ContentPart[]): { text: string; spans: ItemSpan[] } {
  const parts: string[] = [];
  const spans: ItemSpan[] = [];
  let length = 0;
  let prev: PdfTextItemLike | null = null;
  let endsInSpace = true;
  let index = -1;
  for (const part of items) {
    if (!isTextItem(part)) continue;
    index++;
    const { str } = part;
    if (str !== '') {
      if (
        prev &&
        !endsInSpace &&
        !/^\s/.test(str) &&
        lineShift(prev, part) > textHeight(prev, part) / 2
      ) {
        parts.push(' ');
        length += 1;
      }
      spans.push({ item: index, start: length, end: length + str.length });
      parts.push(str);
      length += str.length;
      endsInSpace = /\s$/.test(str);
      prev = part;
    }
    if (part.hasEOL) {
      parts.push('\n');
      length += 1;
      endsInSpace = true;
    }
  }
  return { text: parts.join(''), spans };
}

/** The part of each text item covered by [charStart, charEnd), in the item's own offsets. */
export type HighlightPart = { item: number; from: number; to: number };

export function highlightParts(
  spans: readonly ItemSpan[],
  charStart: number,
  charEnd: number,
): HighlightPart[] {
  const out: HighlightPart[] = [];
  if (charEnd <= charStart) return out;
  for (const span of spans) {
    if (span.end <= charStart) continue;
    if (span.start >= charEnd) break;
    const from = Math.max(charStart, span.start) - span.start;
    const to = Math.min(charEnd, span.end) - span.start;
    if (to > from) out.push({ item: span.item, from, to });
  }
  return out;
}
