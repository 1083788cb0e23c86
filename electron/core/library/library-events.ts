import type { EventData } from '../../../shared/events';
import { documentStream, LIBRARY_STREAM } from '../../../shared/streams';
import type { StreamHub } from '../streams/stream-hub';
import type { DocumentRegistry } from './document-registry';

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
