/** The fields of a pdf.js text content item the page text depends on. */
export type PdfTextItemLike = {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
};
export type ContentPart = PdfTextItemLike | { type: string };

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
 * The page text built by the rule on `pdfPageText`, with each item's offsets, which
 * index pdf.js TextLayer's `textDivs` one to one (the viewer's highlighter needs them).
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

/**
 * The text of one PDF page. Citations store offsets into exactly this string, so a viewer
 * that highlights them must rebuild it with the same rule from `page.getTextContent()`
 * (default options, so ligatures are normalised the same way):
 *
 * 1. Items without `str` (marked content) are ignored.
 * 2. Each item adds its `str`, then '\n' if `hasEOL` is true.
 * 3. Before an item, one ' ' is added when the text so far ends in non-whitespace, the
 *    item's `str` starts with non-whitespace, and the item's baseline lies more than half
 *    a text height (max of both items' `height`) away from the previous non-empty item's,
 *    measured across the writing direction. pdfjs already adds spaces inside a line but
 *    sometimes leaves out `hasEOL` at a line change (columns, superscripts), which would
 *    glue two words together.
 */
export function pdfPageText(items: readonly ContentPart[]): string {
  return layoutPageText(items).text;
}
