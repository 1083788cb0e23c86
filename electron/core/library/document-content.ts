import fs from 'node:fs/promises';
import path from 'node:path';
import { layoutPageText } from '../../../shared/pdf-page-text';
import type { DocumentContent } from '../../../shared/contract';
import { QuireError } from '../../../shared/errors';
import { readOcrPages } from '../indexing/ocr-cache';
import { openDocument } from '../parsers';
import { decodeText } from '../parsers';
import type { DocumentRecord } from './document-registry';
import type { LibraryService } from './library-service';

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  markdown: 'text/markdown',
  text: 'text/plain',
  html: 'text/html',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
const IMAGE_MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** Largest PDF the viewer receives inline. */
const MAX_INLINE_BYTES = 100 * 1024 * 1024;

/**
 * What the viewer shows. PDFs travel as bytes (pdf.js renders them in the page); other
 * kinds as the same text the parser produced, so citation offsets line up exactly.
 */
export async function readDocumentContent(
  library: LibraryService,
  documentId: string,
  ocrDir: string | null = null,
  /** Where this home can read the file (a shared library's copy); default its own path. */
  localFile?: (doc: DocumentRecord) => Promise<string | null>,
): Promise<DocumentContent> {
  const record = library.registry.get(documentId);
  if (!record) throw new QuireError('not_found', 'That document is not in the library.');
  const found = localFile ? await localFile(record).catch(() => null) : record.path;
  const doc = { ...record, path: found ?? record.path };
  const { contentHash: _h, mtimeMs: _m, ...info } = record;
  const mime =
    doc.kind === 'image'
      ? (IMAGE_MIME[path.extname(doc.path).toLowerCase()] ?? 'application/octet-stream')
      : (MIME[doc.kind] ?? 'application/octet-stream');
  // Word boxes of pages read by OCR, so the viewer can mark a citation on the image.
  const ocr =
    ocrDir && (doc.kind === 'pdf' || doc.kind === 'image')
      ? await readOcrPages(ocrDir, doc.id)
      : null;
  try {
    if (doc.kind === 'image') {
      const stat = await fs.stat(doc.path);
      if (stat.size > MAX_INLINE_BYTES)
        throw new QuireError('too_large', 'This image is too large to preview.');
      const base64 = (await fs.readFile(doc.path)).toString('base64');
      const text = ocr?.[0] ? layoutPageText(ocr[0].items).text : null;
      return { document: info, mime, text, base64, ocr };
    }
    if (doc.kind === 'pdf') {
      const stat = await fs.stat(doc.path);
      if (stat.size > MAX_INLINE_BYTES)
        throw new QuireError('too_large', 'This PDF is too large to preview.');
      return {
        document: info,
        mime,
        text: null,
        base64: (await fs.readFile(doc.path)).toString('base64'),
        ocr,
      };
    }
    if (doc.kind === 'markdown' || doc.kind === 'text') {
      // The parser's offsets index the decoded file, so the viewer gets exactly that text.
      return {
        document: info,
        mime,
        text: decodeText(await fs.readFile(doc.path)).text,
        base64: null,
      };
    }
    const opened = await openDocument(doc.path);
    let text = '';
    for await (const section of opened.sections) {
      // Extracted sections are joined by blank lines; keep each at its own offset.
      if (section.charStart > text.length) text += '\n'.repeat(section.charStart - text.length);
      text = text.slice(0, section.charStart) + section.text;
    }
    return { document: info, mime, text, base64: null };
  } catch (error) {
    if (error instanceof QuireError) throw error;
    throw new QuireError(
      'file_missing',
      'The original file cannot be read. It may have been moved or deleted.',
    );
  }
}
