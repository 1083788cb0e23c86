import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { QuireError } from '../../../shared/errors';
import type { OcrPage } from '../../../shared/ocr-words';
import { layoutPageText } from '../../../shared/pdf-page-text';
import { createOcrEngine, OCR_MAX_PIXELS, type OcrEngine } from './ocr';
import { pdfPageText } from './pdf-text';
import { ignorePdfjsStrayRejections } from './pdfjs-stray-rejections';
import { throwIfAborted } from './read-file';
import type { OcrOptions, OpenedDocument, ParseMeta, ParsedSection } from './types';

let pdfjsModule: Promise<typeof Pdfjs> | null = null;
function loadPdfjs(): Promise<typeof Pdfjs> {
  // Loaded lazily: most callers only need detectKind, and pdfjs is big.
  ignorePdfjsStrayRejections();
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

/** Local CMaps make CJK text in non-embedded fonts readable; font data fixes glyph widths. */
function assetUrls(): { cMapUrl?: string; cMapPacked?: boolean; standardFontDataUrl?: string } {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    // pdfjs reads these with fs under Node and wants a trailing slash.
    const url = (folder: string): string => `${join(root, folder).replaceAll('\\', '/')}/`;
    return { cMapUrl: url('cmaps'), cMapPacked: true, standardFontDataUrl: url('standard_fonts') };
  } catch {
    return {};
  }
}

function loadError(error: unknown): QuireError {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (name === 'PasswordException') {
    // pdfjs PasswordResponses: 1 = NEED_PASSWORD, 2 = INCORRECT_PASSWORD.
    if (code === 2) {
      return new QuireError(
        'wrong_password',
        'The password for this PDF is not correct. Check it and retry.',
        { cause: error },
      );
    }
    return new QuireError(
      'password_required',
      'This PDF is protected by a password. Enter the password and retry.',
      { cause: error },
    );
  }
  return new QuireError('corrupt_file', 'This PDF is damaged and cannot be opened.', {
    cause: error,
  });
}

function describePages(pages: number[]): string {
  const shown = pages.slice(0, 10).join(', ');
  return pages.length > 10 ? `${shown} and ${pages.length - 10} more` : shown;
}

/**
 * Opens a PDF and streams one section per page that has text. Opening already reads up to
 * the first page with text, so a password, a scan without text or an unreadable file fails
 * here rather than halfway through indexing. Pages that fail are skipped with a warning.
 */
export async function openPdf(
  bytes: Uint8Array,
  opts: { password?: string; signal?: AbortSignal; ocr?: OcrOptions },
): Promise<OpenedDocument> {
  const { signal } = opts;
  const pdfjs = await loadPdfjs();
  throwIfAborted(signal);
  const task = pdfjs.getDocument({
    data: bytes,
    password: opts.password,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    enableXfa: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    ...assetUrls(),
  });

  let closed: Promise<void> | null = null;
  let ownEngine: OcrEngine | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      signal?.removeEventListener('abort', onAbort);
      await task.destroy().catch(() => undefined);
      if (ownEngine) await ownEngine.close();
    })();
    return closed;
  };
  // Destroying the task makes any pending pdfjs call reject, which stops the loop promptly.
  const onAbort = (): void => void close();
  signal?.addEventListener('abort', onAbort, { once: true });

  let doc: Pdfjs.PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await close();
    throwIfAborted(signal);
    throw loadError(error);
  }

  const meta: ParseMeta = {
    kind: 'pdf',
    pageCount: doc.numPages,
    title: await readTitle(doc),
    warnings: [],
  };
  const failedPages: number[] = [];
  let blankPages = 0;

  const ocr = opts.ocr?.enabled ? opts.ocr : null;
  let ocrPages = 0;
  let ocrFailed = 0;
  const readPage = async (n: number): Promise<{ text: string; ocr?: OcrPage } | null> => {
    try {
      const page = await doc.getPage(n);
      try {
        const text = pdfPageText((await page.getTextContent()).items);
        // Only pages without a text layer are read by OCR; a hidden OCR layer is kept.
        if (text.trim() !== '' || !ocr) return { text };
        ocr.onPage?.(n, doc.numPages);
        const engine = ocr.engine ?? (ownEngine ??= createOcrEngine());
        try {
          const words = await ocrPage(page, engine, signal);
          ocrPages++;
          return { text: layoutPageText(words.items).text, ocr: { ...words, page: n } };
        } catch (error) {
          if (signal?.aborted || closed) throw error;
          ocrFailed++;
          return { text: '' };
        }
      } finally {
        // Frees the page's parsed objects. A periodic doc.cleanup() was measured too: no
        // lower peak RSS, only slower, because fonts get parsed again.
        page.cleanup();
      }
    } catch (error) {
      throwIfAborted(signal);
      if (closed)
        throw new QuireError('cancelled', 'Reading this PDF was stopped.', { cause: error });
      failedPages.push(n);
      return null;
    }
  };

  const section = (page: number, read: { text: string; ocr?: OcrPage }): ParsedSection => ({
    page,
    text: read.text,
    charStart: 0,
    headingPath: [],
    ...(read.ocr ? { ocr: read.ocr } : {}),
  });
  let first: ParsedSection | null = null;
  let nextPage = 1;
  try {
    while (!first && nextPage <= doc.numPages) {
      const n = nextPage++;
      const read = await readPage(n);
      if (read === null) continue;
      if (read.text.trim() === '') blankPages++;
      else first = section(n, read);
    }
  } catch (error) {
    await close();
    throw error;
  }
  if (!first) {
    await close();
    if (failedPages.length > 0 && blankPages === 0) {
      throw new QuireError('corrupt_file', 'This PDF is damaged: none of its pages could be read.');
    }
    throw new QuireError(
      'no_text_layer',
      ocr
        ? 'No text was found in this PDF, not even by reading its pages as images (OCR).'
        : 'This PDF has no text layer; it looks like a scanned image. Turn on OCR in Settings to read it.',
    );
  }

  async function* sections(): AsyncGenerator<ParsedSection> {
    try {
      if (first) yield first;
      for (let n = nextPage; n <= doc.numPages; n++) {
        throwIfAborted(signal);
        const read = await readPage(n);
        if (read === null) continue;
        if (read.text.trim() === '') {
          blankPages++;
          continue;
        }
        yield section(n, read);
      }
      if (failedPages.length > 0) {
        const s = failedPages.length === 1 ? '' : 's';
        meta.warnings.push({
          code: 'corrupt_file',
          message: `Page${s} ${describePages(failedPages)} could not be read and ${s ? 'were' : 'was'} skipped.`,
          pages: [...failedPages],
        });
      }
      if (ocrFailed > 0) {
        meta.warnings.push({
          code: 'timeout',
          message: `${ocrFailed} scanned page${ocrFailed === 1 ? '' : 's'} could not be read by OCR in time and ${ocrFailed === 1 ? 'was' : 'were'} skipped.`,
        });
      }
      if (ocrPages > 0) meta.ocrPages = ocrPages;
      if (blankPages > 0) {
        meta.warnings.push({
          code: 'no_text_layer',
          message: `${blankPages} of ${doc.numPages} pages have no text layer (blank or scanned) and were skipped.`,
        });
      }
    } finally {
      await close();
    }
  }

  return { meta, sections: sections(), close };
}

/** Scans are rendered at 200 dpi (capped in pixels): enough for body text, a third of 300 dpi's cost. */
const OCR_SCALE = 200 / 72;

async function ocrPage(
  page: Pdfjs.PDFPageProxy,
  engine: OcrEngine,
  signal: AbortSignal | undefined,
): Promise<Omit<OcrPage, 'page'>> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(OCR_SCALE, Math.sqrt(OCR_MAX_PIXELS / (base.width * base.height)));
  const viewport = page.getViewport({ scale });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  // Scans often have transparent backgrounds; tesseract wants dark text on white.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  // @napi-rs/canvas is the canvas pdf.js itself uses under Node; its types are not the DOM's.
  const params = { canvas, canvasContext: context, viewport };
  await page.render(params as unknown as Parameters<Pdfjs.PDFPageProxy['render']>[0]).promise;
  const png = await canvas.encode('png');
  const { items } = await engine.recognize(png, height, signal);
  return { width, height, items };
}

async function readTitle(doc: Pdfjs.PDFDocumentProxy): Promise<string | null> {
  try {
    const { info, metadata } = await doc.getMetadata();
    const fromInfo = (info as { Title?: unknown } | null)?.Title;
    const title =
      typeof fromInfo === 'string' && fromInfo.trim() ? fromInfo : metadata?.get('dc:title');
    return typeof title === 'string' && title.trim() ? title.trim() : null;
  } catch {
    return null;
  }
}
