/** The fields of a pdfjs TextItem that the page text depends on. */
export type PdfTextItem = { str: string; hasEOL: boolean; transform: number[]; height: number };
type PdfContentPart = PdfTextItem | { type: string };

function isTextItem(part: PdfContentPart): part is PdfTextItem {
  return typeof (part as { str?: unknown }).str === 'string';
}

/** Distance between two baselines, measured across the writing direction (rotation-safe). */
function lineShift(prev: PdfTextItem, item: PdfTextItem): number {
  const [a = 1, b = 0] = prev.transform;
  const len = Math.hypot(a, b) || 1;
  const dx = (item.transform[4] ?? 0) - (prev.transform[4] ?? 0);
  const dy = (item.transform[5] ?? 0) - (prev.transform[5] ?? 0);
  return Math.abs((dy * a - dx * b) / len);
}

function textHeight(prev: PdfTextItem, item: PdfTextItem): number {
  const h = Math.max(prev.height, item.height);
  if (h > 0) return h;
  return Math.hypot(prev.transform[2] ?? 0, prev.transform[3] ?? 0);
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
export function pdfPageText(items: readonly PdfContentPart[]): string {
  const parts: string[] = [];
  let prev: PdfTextItem | null = null;
  let endsInSpace = true;
  for (const part of items) {
    if (!isTextItem(part)) continue;
    const { str } = part;
    if (str !== '') {
      if (
        prev &&
        !endsInSpace &&
        !/^\s/.test(str) &&
        lineShift(prev, part) > textHeight(prev, part) / 2
      ) {
        parts.push(' ');
      }
      parts.push(str);
      endsInSpace = /\s$/.test(str);
      prev = part;
    }
    if (part.hasEOL) {
      parts.push('\n');
      endsInSpace = true;
    }
  }
  return parts.join('');
}
