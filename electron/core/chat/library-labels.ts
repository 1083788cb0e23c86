// What the retriever needs to know about the library's documents, read from the registry
// (kept in memory), so a search costs no extra query.
import type { DocumentRegistry } from '../library/document-registry';
import type { DocumentLabel } from '../retrieval/search';

type Registry = Pick<DocumentRegistry, 'all' | 'get'>;

/** The languages of the documents in the library, each once. */
export function documentLanguages(registry: Registry): string[] {
  return [...new Set(registry.all().flatMap((d) => (d.language ? [d.language] : [])))];
}

/** Name, path and OCR pages of each of `ids` that is still in the library. */
export function documentLabels(
  registry: Registry,
  ids: Iterable<string>,
): Map<string, DocumentLabel> {
  const labels = new Map<string, DocumentLabel>();
  for (const id of ids) {
    const doc = registry.get(id);
    if (doc) labels.set(id, { name: doc.name, path: doc.path, ocrPages: doc.ocrPages });
  }
  return labels;
}
