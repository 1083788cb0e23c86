import { describe, expect, it } from 'vitest';
import type { OcrPage, OcrWordItem } from '../../../shared/ocr-words';
import { layoutPageText } from '../../../shared/pdf-page-text';
import { ocrHighlightBoxes } from './ocr-highlight';

/** A word at (x, baseline y) in a 1000 x 500 image, y up. */
const word = (str: string, x: number, y: number): OcrWordItem => ({
  str,
  hasEOL: false,
  height: 20,
  width: str.length * 12,
  transform: [20, 0, 0, 20, x, y],
});

describe('ocrHighlightBoxes', () => {
  const page: OcrPage = {
    page: 1,
    width: 1000,
    height: 500,
    items: [word('Lorem', 10, 400), word('ipsum', 100, 400), word('dolor', 10, 370)],
  };

  it('covers the words of the cited passage only, in image fractions', () => {
    const { text } = layoutPageText(page.items);
    expect(text).toBe('Lorem ipsum dolor');
    const start = text.indexOf('ipsum');
    const boxes = ocrHighlightBoxes(page, start, text.length);
    expect(boxes).toHaveLength(2);
    const [ipsum, dolor] = boxes;
    expect(ipsum!.left).toBeCloseTo(0.1);
    expect(dolor!.left).toBeCloseTo(0.01);
    // Top-left origin: the lower line is further down.
    expect(dolor!.top).toBeGreaterThan(ipsum!.top);
    for (const b of boxes) {
      expect(b.top).toBeGreaterThan(0);
      expect(b.top + b.height).toBeLessThan(1);
    }
  });

  it('returns nothing for a range outside the page', () => {
    expect(ocrHighlightBoxes(page, 500, 600)).toEqual([]);
  });
});
