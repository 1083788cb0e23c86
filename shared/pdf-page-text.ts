import { readingOrder, type Block, type ItemBox } from './pdf-reading-order';

/** The fields of a pdf.js text content item the page text depends on. */
export type PdfTextItemLike = {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
  /** Advance width in page units; without it the page is read in content-stream order. */
  width?: number;
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
export type PageLayout = { text: string; spans: ItemSpan[] };

/** The old stream-order rule, for items without widths or pages of mostly rotated text. */
function streamLayout(items: readonly ContentPart[]): PageLayout {
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

function isUpright(item: PdfTextItemLike): boolean {
  const [a = 0, b = 0, c = 0] = item.transform;
  return a > 0 && Math.abs(b) < 1e-3 * a && Math.abs(c) < 1e-3 * a;
}

/** Builds the text block by block, remembering where each item landed. */
class TextBuilder {
  private parts: string[] = [];
  readonly spans: ItemSpan[] = [];
  private length = 0;
  private last = '';

  private raw(s: string): void {
    if (s === '') return;
    this.parts.push(s);
    this.length += s.length;
    this.last = s;
  }

  /** A separator, unless the text is empty or already ends in whitespace. */
  sep(s: string): void {
    if (this.length === 0 || /\s$/.test(this.last)) return;
    this.raw(s);
  }

  item(box: ItemBox): void {
    this.spans.push({ item: box.item, start: this.length, end: this.length + box.str.length });
    this.raw(box.str);
  }

  /** Drops a line-end hyphen ("infor-" + "mation"), shortening its item's span. */
  dehyphenate(): boolean {
    const span = this.spans[this.spans.length - 1];
    if (!span || span.end !== this.length || !/\p{L}[-\u00ad\u2010]$/u.test(this.last))
      return false;
    this.parts[this.parts.length - 1] = this.last.slice(0, -1);
    this.last = this.parts[this.parts.length - 1]!;
    this.length -= 1;
    span.end -= 1;
    if (span.end === span.start) this.spans.pop();
    return true;
  }

  result(): PageLayout {
    return { text: this.parts.join(''), spans: this.spans };
  }
}

/** Items of one line or cell, left to right; a space where pdf.js left a visible gap. */
function addRun(out: TextBuilder, boxes: readonly ItemBox[]): void {
  let prev: ItemBox | null = null;
  for (const box of boxes) {
    if (prev && box.x0 - prev.x1 > 0.12 * Math.max(prev.h, box.h) && !/^\s/.test(box.str))
      out.sep(' ');
    out.item(box);
    prev = box;
  }
}

function addBlock(out: TextBuilder, block: Block): void {
  out.sep('\n\n');
  let firstRow = true;
  for (const row of block.rows) {
    const head = row[0]?.[0]?.str ?? '';
    if (!firstRow) {
      if (block.kind === 'table') out.sep('\n');
      else if (!(/^\p{Ll}/u.test(head) && out.dehyphenate())) out.sep(' ');
    }
    firstRow = false;
    row.forEach((cell, i) => {
      if (i > 0) out.sep(' | ');
      addRun(out, cell);
    });
  }
}

/**
 * The page text built by the rule on `pdfPageText`, with each item's offsets, which
 * index pdf.js TextLayer's `textDivs` one to one (the viewer's highlighter needs them).
 * Spans are in text order.
 */
export function layoutPageText(items: readonly ContentPart[]): PageLayout {
  const upright: ItemBox[] = [];
  const rest: ItemBox[] = [];
  let index = -1;
  let uprightChars = 0;
  let otherChars = 0;
  for (const part of items) {
    if (!isTextItem(part)) continue;
    index++;
    if (part.str.trim() === '') continue;
    if (typeof part.width !== 'number') return streamLayout(items);
    const [a = 0, b = 0, , , x = 0, y = 0] = part.transform;
    const h = part.height > 0 ? part.height : Math.hypot(a, b) || 1;
    const box = { item: index, str: part.str, x0: x, x1: x + part.width, y, h };
    if (isUpright(part)) {
      upright.push(box);
      uprightChars += part.str.length;
    } else {
      rest.push(box);
      otherChars += part.str.length;
    }
  }
  if (otherChars > uprightChars) return streamLayout(items);
  const out = new TextBuilder();
  for (const block of readingOrder(upright)) addBlock(out, block);
  // Rotated labels (axis titles, margin stamps) go last, one per line, in stream order.
  if (rest.length > 0) addBlock(out, { kind: 'table', rows: rest.map((b) => [[b]]) });
  return out.result();
}

/**
 * The text of one PDF page. Citations store offsets into exactly this string, so a viewer
 * that highlights them must rebuild it with the same rule from `page.getTextContent()`
 * (default options, so ligatures are normalised the same way):
 *
 * 1. Items without `str` (marked content) and whitespace-only items add nothing.
 * 2. Upright items are put in reading order by `readingOrder` (pdf-reading-order.ts):
 *    headers, then columns and blocks by a recursive XY-cut, then footers. Blocks are
 *    separated by a blank line.
 * 3. In a text block, rows are joined with one space, or with nothing where a row ends in
 *    letter + hyphen and the next starts lower-case (the hyphen is dropped). In a table
 *    block, rows are joined with '\n' and cells with ' | '.
 * 4. In a row, items go left to right, with a space where they are more than 0.12 text
 *    heights apart and neither side has whitespace already.
 * 5. Rotated items follow, one per line. A page whose items lack `width`, or whose text is
 *    mostly rotated, keeps the content-stream order (`streamLayout`).
 */
export function pdfPageText(items: readonly ContentPart[]): string {
  return layoutPageText(items).text;
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
