/**
 * Document parsers: one streaming API for every supported kind.
 *
 * `openDocument(path, opts)` checks the file (missing, empty, too large, unsupported),
 * opens it and returns `{ meta, sections, close }`:
 * - Whole-document problems reject here, with a QuireError whose code the UI can show:
 *   'file_missing', 'unsupported_type', 'too_large', 'empty_file', 'binary_content',
 *   'password_required', 'wrong_password', 'no_text_layer', 'corrupt_file', 'cancelled'.
 * - `sections` is a one-pass async iterable in reading order. PDFs are read page by page
 *   (one section per page with text), so memory holds the file bytes, pdfjs' parsed
 *   document and one page of text, never the whole document's text. Other kinds are
 *   decoded whole (they are bounded by `maxBytes`) and sliced lazily where possible.
 * - Offsets: a section's `charStart` points into its page text (PDF; see `pdfPageText`
 *   for the exact rule) or into the document text: the decoded file for Markdown and
 *   plain text, the extracted text (sections joined by "\n\n") for HTML and DOCX.
 * - Partial damage (PDF pages that fail, blank pages) lands in `meta.warnings`, which is
 *   complete once `sections` is exhausted.
 * - Aborting `signal` stops reading and rejects with 'cancelled'. Call `close()` when you
 *   stop without finishing the loop (breaking out of `for await` closes by itself).
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { DocumentKind } from '../../../shared/documents';
import { QuireError } from '../../../shared/errors';
import { docxToHtml } from './docx';
import { declaredCharset, parseHtml } from './html';
import { parseMarkdown } from './markdown';
import { openImage } from './image';
import { openPdf } from './pdf';
import { DEFAULT_MAX_BYTES, readFileBounded, throwIfAborted } from './read-file';
import { decodeText } from './text-decode';
import type { OpenOptions, OpenedDocument, ParseMeta, ParsedSection } from './types';

export type { OpenOptions, OpenedDocument, ParseMeta, ParseWarning, ParsedSection } from './types';
export { pdfPageText, type PdfTextItem } from './pdf-text';
export { DEFAULT_MAX_BYTES } from './read-file';
export { decodeText } from './text-decode';

const KIND_BY_EXTENSION: Record<string, DocumentKind> = {
  '.pdf': 'pdf',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.mkd': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.csv': 'text',
  '.tsv': 'text',
  '.log': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.docx': 'docx',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.tif': 'image',
  '.tiff': 'image',
  '.webp': 'image',
};

/** The kind of a file, by its extension (case-insensitive); 'other' when unsupported. */
export function detectKind(path: string): DocumentKind {
  return KIND_BY_EXTENSION[extname(path).toLowerCase()] ?? 'other';
}

export function isSupportedPath(path: string): boolean {
  return detectKind(path) !== 'other';
}

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(KIND_BY_EXTENSION);

function unsupported(path: string): QuireError {
  const ext = extname(path).toLowerCase();
  const what = ext ? `${ext} files` : 'files without an extension';
  return new QuireError(
    'unsupported_type',
    `Quire cannot read ${what} yet. It reads PDF, Markdown, plain text, HTML and Word (.docx) files, and images (PNG, JPEG, TIFF, WebP) by OCR.`,
  );
}

function fromSections(
  meta: ParseMeta,
  make: () => Iterable<ParsedSection>,
  signal?: AbortSignal,
): OpenedDocument {
  async function* sections(): AsyncGenerator<ParsedSection> {
    for (const section of make()) {
      throwIfAborted(signal);
      yield section;
    }
  }
  return { meta, sections: sections(), close: () => Promise.resolve() };
}

export async function openDocument(path: string, opts: OpenOptions = {}): Promise<OpenedDocument> {
  const kind = detectKind(path);
  if (kind === 'other') throw unsupported(path);
  const bytes = await readFileBounded(path, opts.maxBytes ?? DEFAULT_MAX_BYTES, opts.signal);
  // Hashed before a parser may take the buffer over (pdf.js transfers it).
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  const opened = await openBytes(kind, path, bytes, opts);
  return { ...opened, contentHash };
}

async function openBytes(
  kind: Exclude<DocumentKind, 'other'>,
  path: string,
  bytes: Uint8Array,
  opts: OpenOptions,
): Promise<OpenedDocument> {
  const meta = (title: string | null): ParseMeta => ({
    kind,
    pageCount: null,
    title,
    warnings: [],
  });
  switch (kind) {
    case 'pdf':
      return openPdf(bytes, { password: opts.password, signal: opts.signal, ocr: opts.ocr });
    case 'image':
      return openImage(path, bytes, { ocr: opts.ocr, signal: opts.signal });
    case 'markdown': {
      const md = parseMarkdown(decodeText(bytes).text);
      return fromSections(meta(md.title), md.sections, opts.signal);
    }
    case 'text': {
      const { text } = decodeText(bytes);
      return fromSections(
        meta(null),
        () => [{ page: null, text, charStart: 0, headingPath: [] }],
        opts.signal,
      );
    }
    case 'html':
    case 'docx': {
      const html =
        kind === 'html' ? decodeText(bytes, declaredCharset(bytes)).text : await docxToHtml(bytes);
      throwIfAborted(opts.signal);
      const doc = parseHtml(html);
      if (doc.sections.length === 0)
        throw new QuireError('empty_file', 'This document contains no text.');
      return fromSections(meta(doc.title), () => doc.sections, opts.signal);
    }
  }
}
