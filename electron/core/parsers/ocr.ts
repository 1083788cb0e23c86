import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { QuireError } from '../../../shared/errors';
import type * as Tesseract from 'tesseract.js';
import type { OcrWordItem } from '../../../shared/ocr-words';

/** Per-page limits: a page that takes longer is skipped with a warning, never hangs indexing. */
export const OCR_PAGE_TIMEOUT_MS = 90_000;
/** Images are scaled down to at most this many pixels before OCR (about 300 dpi on A4). */
export const OCR_MAX_PIXELS = 9_000_000;

export type OcrResult = {
  /** Words as positioned text items in the image's pixel space, y up (like PDF space). */
  items: OcrWordItem[];
  /** Mean word confidence, 0..100. */
  confidence: number;
};

export type OcrEngine = {
  recognize(png: Uint8Array, height: number, signal?: AbortSignal): Promise<OcrResult>;
  close(): Promise<void>;
};

type TesseractWorker = Awaited<ReturnType<typeof Tesseract.createWorker>>;

/** The English traineddata shipped in the npm package; nothing is ever downloaded. */
function localLangPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

type Bbox = { x0: number; y0: number; x1: number; y1: number };
type Word = { text: string; bbox: Bbox; confidence: number };
type Line = { bbox: Bbox; words: Word[] };
type Block = { paragraphs: { lines: Line[] }[] };

/** Tesseract's words, as text items whose baseline is the line's bottom edge (flipped: y up). */
export function wordsToItems(blocks: readonly Block[] | null, height: number): OcrResult {
  const items: OcrWordItem[] = [];
  let confidence = 0;
  for (const block of blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const size = Math.max(1, (line.bbox.y1 - line.bbox.y0) * 0.8);
        const baseline = height - line.bbox.y1 + size * 0.2;
        for (const word of line.words) {
          const text = word.text.trim();
          if (!text) continue;
          confidence += word.confidence;
          items.push({
            str: text,
            hasEOL: false,
            height: size,
            width: word.bbox.x1 - word.bbox.x0,
            transform: [size, 0, 0, size, word.bbox.x0, baseline],
          });
        }
      }
    }
  }
  return { items, confidence: items.length ? confidence / items.length : 0 };
}

/**
 * One tesseract.js worker (its own thread), English LSTM model from the local package.
 * A page that times out or is aborted terminates the worker; the next page starts a new one.
 */
export function createOcrEngine(opts: { langPath?: string; timeoutMs?: number } = {}): OcrEngine {
  const timeoutMs = opts.timeoutMs ?? OCR_PAGE_TIMEOUT_MS;
  let worker: Promise<TesseractWorker> | null = null;

  const start = async (): Promise<TesseractWorker> => {
    const { createWorker, OEM } = await import('tesseract.js');
    return createWorker('eng', OEM.LSTM_ONLY, {
      langPath: opts.langPath ?? localLangPath(),
      gzip: true,
      // Never write a cache next to the app or fetch anything: the model is read in place.
      cacheMethod: 'none',
      errorHandler: () => undefined,
    });
  };
  const kill = async (): Promise<void> => {
    const current = worker;
    worker = null;
    await current?.then((w) => w.terminate()).catch(() => undefined);
  };

  return {
    async recognize(png, height, signal) {
      worker ??= start();
      const w = await worker;
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new QuireError('timeout', 'Reading text from this page took too long.')),
          timeoutMs,
        );
        onAbort = () => reject(new QuireError('cancelled', 'Reading this document was stopped.'));
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const result = await Promise.race([
          w.recognize(Buffer.from(png), {}, { blocks: true, text: false }),
          stop,
        ]);
        return wordsToItems(result.data.blocks as Block[] | null, height);
      } catch (error) {
        await kill();
        throw error;
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
    close: kill,
  };
}
