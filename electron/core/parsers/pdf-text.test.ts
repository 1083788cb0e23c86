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
