import { z } from 'zod';
import type { PdfTextItemLike } from './pdf-page-text';

/**
 * A word read by OCR, shaped like a pdf.js text item in the scanned image's pixel space
 * (origin bottom-left, y up), so the page text and its offsets come from the same rule as
 * any PDF page (`layoutPageText`) and a citation maps back to word boxes.
 */
export type OcrWordItem = PdfTextItemLike & { width: number };

/** The words of one page (PDF) or image (page null) read by OCR, and the image size. */
export type OcrPage = {
  page: number | null;
  width: number;
  height: number;
  items: OcrWordItem[];
};

/** A word box in image pixels, origin top-left: what the viewer draws over the image. */
export type OcrBox = { left: number; top: number; width: number; height: number };

export function ocrItemBox(item: OcrWordItem, imageHeight: number): OcrBox {
  const size = item.height;
  const [, , , , x = 0, y = 0] = item.transform;
  const bottom = imageHeight - (y - size * 0.25);
  return { left: x, top: bottom - size * 1.25, width: item.width, height: size * 1.25 };
}

export const OcrPageSchema = z.object({
  page: z.number().int().positive().nullable(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
  items: z.array(
    z.object({
      str: z.string(),
      hasEOL: z.boolean(),
      height: z.number(),
      width: z.number(),
      transform: z.array(z.number()),
    }),
  ),
});
