import type { Handlers } from '../rpc/dispatch';
import type { CollectionService } from './collection-service';
import { readDocumentContent } from './document-content';
import type { DocumentRecord } from './document-registry';
import type { FolderWatcher } from './folder-watcher';
import type { LibraryService } from './library-service';

type LibraryHandlers = Pick<
  Handlers,
  | 'library.add'
  | 'library.list'
  | 'library.query'
  | 'library.remove'
  | 'library.retry'
  | 'library.reindex'
  | 'library.cancel'
  | 'library.pause'
  | 'library.resume'
  | 'library.watch'
  | 'library.unwatch'
  | 'library.rebuildIndex'
  | 'documents.content'
>;

export function createLibraryHandlers(
  library: LibraryService,
  watcher: FolderWatcher,
  ocrDir: string | null = null,
  collections: CollectionService,
  /** Where this home reads a document's file: a shared library's copy when it lacks the original. */
  localFile?: (doc: DocumentRecord) => Promise<string | null>,
): LibraryHandlers {
  const requireCollection = (id: string | undefined) =>
    id === undefined ? undefined : collections.book.require(id).id;
  return {
    'library.add': async ({ paths, collectionId }) => {
      const into = requireCollection(collectionId);
      const result = await library.add(paths);
      if (into) await collections.addAdded(into, result);
      return result;
    },
    'library.list': () => library.snapshot(),
    'library.query': (query) => library.query(query),
    'library.remove': async ({ documentId }) => ({ removed: await library.remove(documentId) }),
    'library.retry': ({ documentId, password }) => library.requeue(documentId, { password }),
    'library.reindex': ({ documentId }) => library.requeue(documentId, { force: true }),
    'library.cancel': ({ documentId }) => library.cancel(documentId),
    'library.pause': () => {
      library.setPaused(true);
      return { paused: true as const };
    },
    'library.resume': () => {
      library.setPaused(false);
      return { paused: false as const };
    },
    'library.watch': async ({ folder, collectionId }) => ({
      watchedFolders: await watcher.watch(folder, requireCollection(collectionId)),
    }),
    'library.unwatch': async ({ folder }) => ({ watchedFolders: await watcher.unwatch(folder) }),
    'library.rebuildIndex': () => library.rebuildIndex(),
    'documents.content': ({ documentId }) =>
      readDocumentContent(library, documentId, ocrDir, localFile),
  };
}
