// A reader that stays open beside the Quire writing the data folder (quire mcp beside the app)
// must see what that Quire does. Nothing is pushed across processes, and the journals are the
// truth (see docs/architecture.md), so the reader polls them: two fstat calls a tick, and only
// the appended bytes are read. A file watcher would miss the rename of a compaction on some
// systems and does not work on every file system; a stat never misses.
import { LIBRARY_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import type { CollectionService } from './collection-service';
import type { DocumentChange } from './document-registry';
import { LibraryEvents } from './library-events';
import { documentRow } from './library-listing';
import type { LibraryService } from './library-service';

export type WriterFollowerDeps = {
  library: LibraryService;
  collections: CollectionService;
  hub: StreamHub;
  /** Moves the reader's view of the chunk store to its latest version. */
  refreshStore: () => Promise<void>;
  /** Brings the journals' local copies up to date first (a library in a bucket). */
  beforeLook?: () => Promise<void>;
  intervalMs: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
};

export type WriterFollower = {
  /** Looks once, now; resolves when the changes (if any) have been published. */
  poll: () => Promise<void>;
  /** Stops looking; resolves once a look under way has finished. */
  stop: () => Promise<void>;
};

/**
 * Publishes another process's changes to the library on this core's `library` stream, as the
 * writer itself would have: document.added / ready / failed / removed, collection.changed /
 * members / deleted. Readers of the registry and the store see them before the event.
 */
export function followWriter(deps: WriterFollowerDeps): WriterFollower {
  const events = new LibraryEvents(deps.hub, deps.library.registry, () => 0);
  let running: Promise<void> | null = null;
  let stopped = false;

  async function look(): Promise<void> {
    await deps.beforeLook?.().catch((error: unknown) => {
      deps.log?.('warn', `reading the library's new records failed: ${String(error)}`);
    });
    const documents = deps.library.registry.refresh();
    const book = deps.collections.book.refresh();
    if (documents.length === 0 && book.changed.length === 0 && book.deleted.length === 0) return;
    // The writer commits a document's chunks before it journals it ready: once the registry
    // says so, the store's latest version has them.
    await deps.refreshStore().catch((error: unknown) => {
      deps.log?.('warn', `reading the index's latest version failed: ${String(error)}`);
    });
    if (stopped) return;
    for (const change of documents) publishDocument(change);
    publishCollections(documents, book);
  }

  function publishDocument({ id, before, after }: DocumentChange) {
    if (!after) {
      if (before) events.document(id, 'document.removed', { documentId: id });
      return;
    }
    if (!before || (before.status !== after.status && after.status === 'queued'))
      events.document(id, 'document.added', { document: documentRow(after) });
    const settled = before?.status === after.status && before.updatedAt === after.updatedAt;
    if (after.status === 'ready' && !settled)
      events.document(id, 'document.ready', {
        documentId: id,
        chunks: after.chunks,
        pages: after.pages,
        ms: 0,
        vectorsPending: after.vectorsPending,
      });
    else if (after.status === 'failed' && !settled && after.error)
      events.document(id, 'document.failed', {
        documentId: id,
        code: after.error.code,
        message: after.error.message,
      });
  }

  function publishCollections(
    documents: DocumentChange[],
    book: { changed: { id: string }[]; deleted: string[] },
  ) {
    const moves = new Map<string, { added: string[]; removed: string[] }>();
    const move = (collectionId: string) => {
      let entry = moves.get(collectionId);
      if (!entry) moves.set(collectionId, (entry = { added: [], removed: [] }));
      return entry;
    };
    for (const { id, before, after } of documents) {
      const was = new Set(before?.collections ?? []);
      const now = new Set(after?.collections ?? []);
      for (const c of now) if (!was.has(c)) move(c).added.push(id);
      for (const c of was) if (!now.has(c)) move(c).removed.push(id);
    }
    const deleted = new Set(book.deleted);
    for (const collectionId of deleted)
      deps.hub.emit(LIBRARY_STREAM, 'collection.deleted', { collectionId });
    const counted = new Set([...book.changed.map((c) => c.id), ...moves.keys()]);
    for (const collection of deps.collections.list()) {
      if (!counted.has(collection.id)) continue;
      const moved = moves.get(collection.id);
      if (moved)
        deps.hub.emit(LIBRARY_STREAM, 'collection.members', {
          collectionId: collection.id,
          ...moved,
        });
      deps.hub.emit(LIBRARY_STREAM, 'collection.changed', { collection });
    }
  }

  const poll = () => {
    running ??= look()
      .catch((error: unknown) =>
        deps.log?.('warn', `following the library failed: ${String(error)}`),
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void poll(), deps.intervalMs);
  // Following never keeps a process alive on its own.
  timer.unref?.();
  return {
    poll,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
