import { extname } from 'node:path';
import { QuireError } from '../../../shared/errors';
import { layoutPageText } from '../../../shared/pdf-page-text';
import { createOcrEngine, OCR_MAX_PIXELS } from './ocr';
import { throwIfAborted } from './read-file';
import type { OcrOptions, OpenedDocument, ParseMeta, ParsedSection } from './types';

/**
 * An image file read by OCR: one section, page null. Decodable images are redrawn on a
 * canvas, scaled down past OCR_MAX_PIXELS to bound memory; TIFF goes to tesseract as is.
 */
export async function openImage(
  path: string,
  bytes: Uint8Array,
  opts: { ocr?: OcrOptions; signal?: AbortSignal },
): Promise<OpenedDocument> {
  if (!opts.ocr?.enabled) {
    throw new QuireError(
      'no_text_layer',
      'This is an image. Turn on OCR in Settings to read the text in it.',
    );
  }
  const meta: ParseMeta = { kind: 'image', pageCount: null, title: null, warnings: [] };
  const engine = opts.ocr.engine ?? createOcrEngine();
  const own = !opts.ocr.engine;
  try {
    opts.ocr.onPage?.(1, 1);
    let png: Uint8Array = bytes;
    let width = 0;
    let height = 0;
    if (!/^\.tiff?$/i.test(extname(path))) {
      const { createCanvas, loadImage } = await import('@napi-rs/canvas');
      const image = await loadImage(Buffer.from(bytes)).catch((error: unknown) => {
        throw new QuireError('corrupt_file', 'This image is damaged and cannot be read.', {
          cause: error,
        });
      });
      const scale = Math.min(1, Math.sqrt(OCR_MAX_PIXELS / (image.width * image.height)));
      width = Math.max(1, Math.round(image.width * scale));
      height = Math.max(1, Math.round(image.height * scale));
      const canvas = createCanvas(width, height);
      const context = canvas.getContext('2d');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, height);
      context.drawImage(image, 0, 0, width, height);
      png = await canvas.encode('png');
    }
    throwIfAborted(opts.signal);
    let { items } = await engine.recognize(png, height, opts.signal);
    if (height === 0) {
      // TIFF: no decoder here, so the size comes from the words' extent.
      height = Math.max(1, ...items.map((i) => i.transform[5]! * -1));
      width = Math.max(1, ...items.map((i) => i.transform[4]! + i.width));
      items = items.map((i) => ({
        ...i,
        transform: [...i.transform.slice(0, 5), i.transform[5]! + height],
      }));
    }
    const text = layoutPageText(items).text;
    if (text.trim() === '') {
      throw new QuireError('no_text_layer', 'No text was found in this image.');
    }
    meta.ocrPages = 1;
    const section: ParsedSection = {
      page: null,
      text,
      charStart: 0,
      headingPath: [],
      ocr: { page: null, width, height, items },
    };
    async function* sections(): AsyncGenerator<ParsedSection> {
      yield section;
    }
    return { meta, sections: sections(), close: () => Promise.resolve() };
  } finally {
    if (own) await engine.close();
  }
}
