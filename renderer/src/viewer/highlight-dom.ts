import type { HighlightPart } from './pdf-text-map';

/**
 * Marks the cited characters inside pdf.js text-layer spans. A span covered partly is
 * split into text and <mark> nodes; its scaling applies to the whole span, so the layout
 * does not move. Returns the marks, first one first.
 */
export function markTextDivs(
  textDivs: readonly HTMLElement[],
  parts: readonly HighlightPart[],
): HTMLElement[] {
  const marks: HTMLElement[] = [];
  for (const part of parts) {
    const div = textDivs[part.item];
    if (!div) continue;
    const text = div.textContent ?? '';
    const mark = document.createElement('mark');
    mark.className = 'hl';
    mark.textContent = text.slice(part.from, part.to);
    div.replaceChildren(
      ...(part.from > 0 ? [document.createTextNode(text.slice(0, part.from))] : []),
      mark,
      ...(part.to < text.length ? [document.createTextNode(text.slice(part.to))] : []),
    );
    marks.push(mark);
  }
  return marks;
}
