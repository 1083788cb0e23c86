import { describe, expect, it } from 'vitest';
import { pdfPageText, type PdfTextItem } from './pdf-text';

const item = (str: string, x: number, y: number, hasEOL = false, height = 10): PdfTextItem => ({
  str,
  hasEOL,
  height,
  transform: [height, 0, 0, height, x, y],
});

describe('pdfPageText', () => {
  it('joins items and turns hasEOL into newlines', () => {
    expect(
      pdfPageText([
        item('Hello', 0, 100),
        item(' ', 30, 100),
        item('world', 40, 100, true),
        item('Next', 0, 88),
      ]),
    ).toBe('Hello world\nNext');
  });

  it('ignores marked content', () => {
    expect(
      pdfPageText([{ type: 'beginMarkedContent' }, item('a', 0, 0), { type: 'endMarkedContent' }]),
    ).toBe('a');
  });

  it('adds a space at an unmarked line change, not inside a line', () => {
    expect(pdfPageText([item('left', 0, 100), item('right', 300, 500)])).toBe('left right');
    expect(pdfPageText([item('ab', 0, 100), item('cd', 12, 100)])).toBe('abcd');
    // Superscript-sized shifts below half a line stay glued.
    expect(pdfPageText([item('x', 0, 100), item('2', 6, 104)])).toBe('x2');
  });

  it('measures line changes across the writing direction for rotated text', () => {
    const up = (str: string, x: number, y: number): PdfTextItem => ({
      str,
      hasEOL: false,
      height: 10,
      transform: [0, 10, -10, 0, x, y],
    });
    expect(pdfPageText([up('same', 100, 0), up('line', 100, 40)])).toBe('sameline');
    expect(pdfPageText([up('one', 100, 0), up('two', 80, 0)])).toBe('one two');
  });

  it('never doubles whitespace already present', () => {
    expect(
      pdfPageText([item('a ', 0, 100), item('b', 0, 50), item('', 0, 40, true), item('c', 0, 30)]),
    ).toBe('a b\nc');
  });
});

describe('pdfPageText with item widths (reading order)', () => {
  const w = (str: string, x: number, y: number): PdfTextItem => ({
    str,
    hasEOL: false,
    height: 10,
    width: str.length * 5,
    transform: [10, 0, 0, 10, x, y],
  });
  // Two columns whose lines share baselines, interleaved in the stream as pdf.js often gives them.
  const rows = ['one', 'two', 'three', 'four'];
  // Lines are sentence-long: short aligned cells would read as a table instead.
  const columns = rows.flatMap((r, i) => [
    w(`left column text, line ${r}`, 0, 100 - 12 * i),
    w(`right column text, line ${r}`, 200, 100 - 12 * i),
  ]);

  it('reads one column, then the next', () => {
    expect(pdfPageText(columns)).toBe(
      'left column text, line one left column text, line two left column text, line three left column text, line four\n\n' +
        'right column text, line one right column text, line two right column text, line three right column text, line four',
    );
  });

  it('finds a gutter that one wide line crosses', () => {
    const items: PdfTextItem[] = [];
    for (let i = 0; i < 20; i++) {
      const y = 500 - 12 * i;
      // Row 5 of the left column runs on into the gutter, where the right column has no line.
      items.push(
        w(i === 5 ? `left ${i} runs wide into the gutter and on` : `left ${i} of the column`, 0, y),
      );
      if (i !== 5) items.push(w(`right ${i} of the column`, 200, y));
    }
    const text = pdfPageText(items);
    // The whole left column first (row 5's gap splits the right one into two blocks).
    const leftEnd = text.indexOf('left 19 of the column');
    expect(text.slice(0, leftEnd)).not.toContain('right');
    expect(text.indexOf('left 0 ')).toBe(0);
    expect(text.indexOf('right 0 ')).toBeGreaterThan(leftEnd);
    expect(text.slice(leftEnd)).toMatch(/right 0 .* right 19 of the column$/s);
  });

  it('joins a hyphenated line end without the hyphen, and keeps real hyphens', () => {
    const items = [w('infor-', 0, 100), w('mation and X-', 0, 88), w('Ray', 0, 76)];
    expect(pdfPageText(items)).toBe('information and X- Ray');
  });

  it('reads short aligned cells as a table, row by row', () => {
    const cells = [
      w('Single', 0, 100),
      w('503', 100, 100),
      w('Married', 0, 88),
      w('808', 100, 88),
      w('Widow', 0, 76),
      w('813', 100, 76),
    ];
    expect(pdfPageText(cells)).toBe('Single | 503\nMarried | 808\nWidow | 813');
  });

  it('keeps a header and a page number apart from the body', () => {
    const body = [0, 1, 2].map((i) => w(`body line ${i}`, 0, 500 - 12 * i));
    const text = pdfPageText([w('Running head', 0, 700), ...body, w('-7-', 100, 40)]);
    expect(text).toBe('Running head\n\nbody line 0 body line 1 body line 2\n\n-7-');
  });
});
