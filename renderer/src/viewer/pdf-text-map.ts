import type { ItemSpan } from '../../../shared/pdf-page-text';

export { layoutPageText, type ItemSpan, type PdfTextItemLike } from '../../../shared/pdf-page-text';

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
