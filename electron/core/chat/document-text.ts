// The text of one ready document, read from the store in reading order.
import { QuireError } from '../../../shared/errors';
import type { DocumentRegistry } from '../library/document-registry';
import type { LanceStore } from '../store';
import type { DocumentText } from './chat-types';

export function documentTextReader(registry: DocumentRegistry, store: LanceStore) {
  return async (documentId: string): Promise<DocumentText> => {
    const doc = registry.get(documentId);
    if (!doc) throw new QuireError('not_found', 'That document is not in the library.');
    if (doc.status !== 'ready')
      throw new QuireError(
        'not_found',
        `“${doc.name}” is not ready yet (${doc.status}); ask again once it is indexed.`,
        { retryable: true },
      );
    const chunks = await store.getChunks(documentId);
    return { id: doc.id, title: doc.name, path: doc.path, chunks };
  };
}
