import { createCanvas } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import type { OcrWordItem } from '../../../shared/ocr-words';
import { openDocument } from './index';
import { createOcrEngine, type OcrEngine } from './ocr';
import { collect, minimalPdf, pdfFixture, scratchDir } from '../../../test/helpers/parser-fixtures';

const scratch = scratchDir();
afterAll(() => scratch.cleanup());

/** An engine that "reads" fixed words and records the pages it was asked to read. */
function recordingEngine(): OcrEngine & { calls: number } {
  const word = (str: string, x: number): OcrWordItem => ({
    str,
    hasEOL: false,
    height: 20,
    width: str.length * 10,
    transform: [20, 0, 0, 20, x, 500],
  });
  return {
    calls: 0,
    recognize() {
      this.calls++;
      return Promise.resolve({ items: [word('scanned', 10), word('words', 100)], confidence: 90 });
    },
    close: () => Promise.resolve(),
  };
}

function imageOf(text: string, format: 'png' | 'jpeg' | 'webp'): Buffer {
  const canvas = createCanvas(900, 160);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 900, 160);
  ctx.fillStyle = '#000';
  ctx.font = '44px sans-serif';
  ctx.fillText(text, 30, 95);
  return format === 'png' ? canvas.toBuffer('image/png') : canvas.toBuffer(`image/${format}`, 95);
}

describe('OCR in the parsers', { timeout: 120_000 }, () => {
  it('reads only the pages without a text layer, and keeps a hidden text layer', async () => {
    const engine = recordingEngine();
    const pages: number[] = [];
    const file = scratch.write(
      'mixed.pdf',
      // Page 3 draws its text in render mode 3 (invisible), as OCR'd scans do.
      minimalPdf(['A page with real text.', null, ') Tj 3 Tr (Hidden layer from a scanner']),
    );
    const doc = await openDocument(file, {
      ocr: { enabled: true, engine, onPage: (page) => pages.push(page) },
    });
    const sections = await collect(doc.sections);
    expect(sections.map((s) => [s.page, s.text, Boolean(s.ocr)])).toEqual([
      [1, 'A page with real text.', false],
      [2, 'scanned words', true],
      [3, 'Hidden layer from a scanner', false],
    ]);
    expect(engine.calls).toBe(1);
    expect(pages).toEqual([2]);
    expect(doc.meta.ocrPages).toBe(1);
  });

  it('explains how to turn OCR on when it is off', async () => {
    await expect(
      openDocument(pdfFixture('scanned_loremipsum_image_only.pdf'), { ocr: { enabled: false } }),
    ).rejects.toMatchObject({ code: 'no_text_layer', message: expect.stringContaining('OCR') });
  });

  it.each(['png', 'jpeg', 'webp'] as const)('reads a %s image with tesseract', async (format) => {
    const file = scratch.write(
      `note.${format === 'jpeg' ? 'jpg' : format}`,
      imageOf('Quire reads images offline', format),
    );
    const doc = await openDocument(file, { ocr: { enabled: true } });
    const [section] = await collect(doc.sections);
    expect(doc.meta.kind).toBe('image');
    expect(section!.page).toBeNull();
    expect(section!.text.toLowerCase()).toContain('reads images offline');
    // Boxes are in the image's pixels.
    for (const item of section!.ocr!.items) {
      expect(item.transform[4]).toBeGreaterThanOrEqual(0);
      expect(item.transform[4]! + item.width).toBeLessThanOrEqual(900);
    }
  });

  it('skips a page that takes longer than its time limit, with a warning', async () => {
    const engine = createOcrEngine({ timeoutMs: 1 });
    try {
      await expect(
        openDocument(pdfFixture('scanned_loremipsum_image_only.pdf'), {
          ocr: { enabled: true, engine },
        }),
      ).rejects.toMatchObject({ code: 'no_text_layer' });
    } finally {
      await engine.close();
    }
  });
});
