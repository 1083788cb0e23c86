import { QuireError } from '../../../shared/errors';
import { readDocumentContent } from '../library/document-content';
import type { LibraryService } from '../library/library-service';
import { openDocument } from '../parsers';

/**
 * A document's extracted text, for other apps. PDFs are parsed again from their file (the
 * index keeps overlapping chunks, not the text), each page under a "Page N" line so a
 * reader can cite it; `page` narrows a PDF to one page.
 */
export async function readDocumentText(
  library: LibraryService,
  documentId: string,
  page: number | null = null,
): Promise<string> {
  const doc = library.registry.get(documentId);
  if (!doc) throw new QuireError('not_found', 'That document is not in the library.');
  if (doc.kind !== 'pdf') {
    const content = await readDocumentContent(library, documentId);
    return content.text ?? '';
  }
  let opened;
  try {
    opened = await openDocument(doc.path, { maxBytes: 200 * 1024 * 1024 });
  } catch (error) {
    if (error instanceof QuireError && error.code !== 'file_missing') throw error;
    throw new QuireError(
      'file_missing',
      'The original file cannot be read. It may have been moved or deleted.',
    );
  }
  const pages: string[] = [];
  for await (const section of opened.sections) {
    if (page !== null && section.page !== page) {
      // Pages come in order: past the one asked for, stop reading (the loop's exit closes it).
      if (section.page !== null && section.page > page) break;
      continue;
    }
    pages.push(`Page ${section.page}\n\n${section.text.trim()}`);
  }
  if (page !== null && pages.length === 0)
    throw new QuireError('not_found', `Page ${page} of ${doc.name} has no text.`);
  return pages.join('\n\n');
}
