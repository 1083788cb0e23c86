import fs from 'node:fs/promises';
import type { DocumentContent } from '../../../shared/contract';
import { QuireError } from '../../../shared/errors';
import { openDocument } from '../parsers';
import { decodeText } from '../parsers/text-decode';
import type { LibraryService } from './library-service';

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  markdown: 'text/markdown',
  text: 'text/plain',
  html: 'text/html',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
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
): Promise<DocumentContent> {
  const doc = library.registry.get(documentId);
  if (!doc) throw new QuireError('not_found', 'That document is not in the library.');
  const { contentHash: _h, mtimeMs: _m, ...info } = doc;
  const mime = MIME[doc.kind] ?? 'application/octet-stream';
  try {
    if (doc.kind === 'pdf') {
      const stat = await fs.stat(doc.path);
      if (stat.size > MAX_INLINE_BYTES)
        throw new QuireError('too_large', 'This PDF is too large to preview.');
      return {
        document: info,
        mime,
        text: null,
        base64: (await fs.readFile(doc.path)).toString('base64'),
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
