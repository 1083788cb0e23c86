import { describe, expect, it } from 'vitest';
import { highlightParts, layoutPageText, type PdfTextItemLike } from './pdf-text-map';

/** A horizontal text item at (x, y), 10 units high. */
const item = (str: string, x: number, y: number, hasEOL = false): PdfTextItemLike => ({
  str,
  hasEOL,
  transform: [10, 0, 0, 10, x, y],
  height: 10,
});

describe('layoutPageText', () => {
  it('joins items, adds newlines after hasEOL and skips marked content', () => {
    const { text, spans } = layoutPageText([
      { type: 'beginMarkedContent' },
      item('Hello', 0, 100),
      item(' world', 50, 100, true),
      { type: 'endMarkedContent' },
      item('Next line', 0, 85),
    ]);
    expect(text).toBe('Hello world\nNext line');
    expect(spans).toEqual([
      { item: 0, start: 0, end: 5 },
      { item: 1, start: 5, end: 11 },
      { item: 2, start: 12, end: 21 },
    ]);
  });

  it('adds a space where the line changes without hasEOL (columns), not within a line', () => {
    const { text } = layoutPageText([
      item('end of column', 0, 100),
      item('top', 300, 700),
      item('of', 330, 700),
    ]);
    expect(text).toBe('end of column topof');
  });

  it('adds no space before whitespace or after it, and counts empty items', () => {
    const { text, spans } = layoutPageText([
      item('a ', 0, 100),
      item('', 0, 100, true),
      item('b', 0, 50),
      item(' c', 0, 20),
    ]);
    expect(text).toBe('a \nb c');
    expect(spans.map((s) => s.item)).toEqual([0, 2, 3]);
  });

  it('ignores small baseline shifts such as superscripts', () => {
    const { text } = layoutPageText([item('E=mc', 0, 100), item('2', 40, 104)]);
    expect(text).toBe('E=mc2');
  });
});

describe('highlightParts', () => {
  const { text, spans } = layoutPageText([
    item('The quick', 0, 100, true),
    item('brown fox', 0, 85),
    item(' jumps', 90, 85, true),
  ]);

  it('maps a page-text range to parts of text items', () => {
    const start = text.indexOf('quick');
    const end = text.indexOf(' jumps') + 3;
    const parts = highlightParts(spans, start, end);
    expect(parts).toEqual([
      { item: 0, from: 4, to: 9 },
      { item: 1, from: 0, to: 9 },
      { item: 2, from: 0, to: 3 },
    ]);
    const strs = ['The quick', 'brown fox', ' jumps'];
    const covered = parts.map((p) => strs[p.item]!.slice(p.from, p.to)).join('|');
    expect(covered).toBe('quick|brown fox| ju');
  });

  it('returns nothing for empty or out-of-page ranges', () => {
    expect(highlightParts(spans, 5, 5)).toEqual([]);
    expect(highlightParts(spans, 1000, 1200)).toEqual([]);
  });
});
