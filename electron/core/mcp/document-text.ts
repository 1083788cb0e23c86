import { QuireError } from '../../../shared/errors';
import type { DocumentText } from '../chat/chat-types';
import { pagePassages } from '../chat/document-pages';

/**
 * A document's text for other apps, from what the index stored (text layer or OCR, as
 * whole-document answers read it), never from parsing the file again: a scan has no text
 * layer, and the file may have moved. Pages of a PDF each come under a "Page N" line so a
 * reader can cite it; `page` narrows to one page.
 */
export async function readDocumentText(
  documentText: (documentId: string) => Promise<DocumentText>,
  documentId: string,
  page: number | null = null,
): Promise<string> {
  const doc = await documentText(documentId);
  const passages = pagePassages(doc);
  if (!passages.some((p) => p.pageStart !== null))
    return passages.map((p) => p.text.trim()).join('\n\n');
  const wanted = page === null ? passages : passages.filter((p) => p.pageStart === page);
  if (page !== null && wanted.length === 0)
    throw new QuireError('not_found', `Page ${page} of ${doc.title} has no text.`);
  return wanted.map((p) => `Page ${p.pageStart}\n\n${p.text.trim()}`).join('\n\n');
}
