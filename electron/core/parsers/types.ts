import type { OcrPage } from '../../../shared/ocr-words';
import type { OcrEngine } from './ocr';
import type { DocumentKind } from '../../../shared/documents';
import type { ErrorCode } from '../../../shared/errors';

/** One piece of a document's text, in reading order. */
export type ParsedSection = {
  /** 1-based page number for PDFs, null for every other kind. */
  page: number | null;
  text: string;
  /**
   * Offset of `text` in its page text (PDF: every page's text starts at 0) or in the
   * document text (other kinds), so a citation can point at the exact characters.
   */
  charStart: number;
  /** Enclosing headings, outermost first, e.g. ['Install', 'Linux']. */
  headingPath: string[];
  /** Set when the text was read by OCR: the words and their boxes, for the viewer. */
  ocr?: OcrPage;
};

/** `pages`: the 1-based pages it concerns, when it concerns pages. */
export type ParseWarning = { code: ErrorCode; message: string; pages?: number[] };

export type ParseMeta = {
  kind: DocumentKind;
  pageCount: number | null;
  title: string | null;
  /** Grows while `sections` is consumed (e.g. a PDF page that failed); read it at the end. */
  warnings: ParseWarning[];
  /** How many pages were read by OCR (set once `sections` is exhausted). */
  ocrPages?: number;
};

export type OpenOptions = {
  password?: string;
  /** Files larger than this fail with 'too_large' before they are read. Default 200 MB. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Reading scanned pages and images; off when absent. */
  ocr?: OcrOptions;
};

export type OcrOptions = {
  enabled: boolean;
  /** Called before each page is read by OCR (1-based page, page count). */
  onPage?: (page: number, pages: number) => void;
  /** Tests pass their own (e.g. with a short time limit); otherwise one is made per document. */
  engine?: OcrEngine;
};

export type OpenedDocument = {
  meta: ParseMeta;
  /** One pass only. Finishing, breaking out of or throwing from the loop releases resources. */
  sections: AsyncIterable<ParsedSection>;
  /** Releases resources when `sections` is never iterated to its end. Safe to call twice. */
  close(): Promise<void>;
  /** SHA-256 (hex) of the bytes that were parsed, so the file need not be read again to hash it. */
  contentHash?: string;
};
