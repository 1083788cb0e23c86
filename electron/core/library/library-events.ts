import type { DocumentInfo, DocumentStatus } from '../../../shared/documents';
import type { EventData } from '../../../shared/events';
import { documentStream, LIBRARY_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../events/stream-hub';
import type { DocumentRecord, DocumentRegistry } from './document-registry';

/** Statuses of a document a worker is busy with. */
export const ACTIVE: ReadonlySet<DocumentStatus> = new Set([
  'parsing',
  'chunking',
  'embedding',
  'writing',
]);

type DocumentEvent =
  | 'document.added'
  | 'document.progress'
  | 'document.ready'
  | 'document.failed'
  | 'document.removed';

/** The library's events: each document change goes to `library` and to its own `doc:<id>`. */
export class LibraryEvents {
  constructor(
    private readonly hub: StreamHub,
    private readonly registry: DocumentRegistry,
    /** Documents in flight right now. */
    private readonly active: () => number,
  ) {}

  document<K extends DocumentEvent>(documentId: string, type: K, data: EventData[K]): void {
    this.hub.emit(LIBRARY_STREAM, type, data);
    this.hub.emit(documentStream(documentId), type, data);
  }

  queueState(): void {
    this.hub.emit(LIBRARY_STREAM, 'queue.state', {
      paused: this.registry.paused,
      pending: this.registry.queuedCount,
      active: this.active(),
      totals: this.registry.totals(),
    });
  }
}

/** What the outside sees of a document: the registry's bookkeeping stays inside. */
export function publicInfo(doc: DocumentRecord): DocumentInfo {
  const { contentHash: _hash, mtimeMs: _mtime, ...info } = doc;
  return info;
}
