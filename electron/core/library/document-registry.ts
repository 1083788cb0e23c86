import path from 'node:path';
import type { DocumentInfo, DocumentStatus } from '../../../shared/documents';
import { Journal } from './journal';

export type DocumentRecord = DocumentInfo & {
  contentHash: string | null;
  mtimeMs: number;
};

type JournalRecord =
  | { t: 'doc'; doc: DocumentRecord }
  | { t: 'del'; id: string }
  | { t: 'meta'; paused: boolean; watchedFolders: string[] };

const IN_FLIGHT: ReadonlySet<DocumentStatus> = new Set([
  'parsing',
  'chunking',
  'embedding',
  'writing',
]);

/**
 * The durable list of documents and the queue order. Stage transitions are journaled;
 * fast-moving progress stays in memory. After a crash, documents caught mid-flight go
 * back to the queue.
 */
export class DocumentRegistry {
  private readonly docs = new Map<string, DocumentRecord>();
  private readonly byPathIndex = new Map<string, string>();
  private readonly journal: Journal<JournalRecord>;
  paused = false;
  watchedFolders: string[] = [];

  /**
   * `readOnly` (quire mcp): another process may own this journal, so opening it writes
   * nothing, neither the re-queue of documents caught mid-flight nor a compaction.
   */
  constructor(dataDir: string, options: { readOnly?: boolean } = {}) {
    this.journal = new Journal<JournalRecord>(path.join(dataDir, 'library', 'documents.jsonl'));
    for (const record of this.journal.load()) {
      if (record.t === 'doc') this.index(record.doc);
      else if (record.t === 'del') this.unindex(record.id);
      else {
        this.paused = record.paused;
        this.watchedFolders = record.watchedFolders;
      }
    }
    for (const doc of this.docs.values()) {
      if (IN_FLIGHT.has(doc.status)) {
        const queued = { ...doc, status: 'queued' as const, progress: null };
        if (options.readOnly) this.index(queued);
        else this.putBestEffort(queued);
      } else if (doc.progress) doc.progress = null;
    }
    if (!options.readOnly) this.tryCompact();
  }

  all(): DocumentRecord[] {
    return [...this.docs.values()];
  }

  get(id: string): DocumentRecord | undefined {
    return this.docs.get(id);
  }

  byPath(filePath: string): DocumentRecord | undefined {
    const id = this.byPathIndex.get(filePath);
    return id ? this.docs.get(id) : undefined;
  }

  /** Durable upsert: journaled first, so a failed write (`disk_full`) changes nothing. */
  put(doc: DocumentRecord): DocumentRecord {
    this.journal.append({ t: 'doc', doc: { ...doc, progress: null } });
    this.index(doc);
    if (this.journal.needsCompaction()) this.tryCompact();
    return doc;
  }

  /**
   * Upsert that always takes effect in memory; false when the journal could not keep it
   * (a full disk). The journal then still holds the previous state, which a restart
   * resumes from: an in-flight document goes back to the queue.
   */
  putBestEffort(doc: DocumentRecord): boolean {
    try {
      this.put(doc);
      return true;
    } catch {
      this.index(doc);
      return false;
    }
  }

  /** In-memory only: progress changes many times a second and is cheap to lose. */
  setProgress(id: string, progress: DocumentInfo['progress']): void {
    const doc = this.docs.get(id);
    if (doc) doc.progress = progress;
  }

  delete(id: string): boolean {
    if (!this.docs.has(id)) return false;
    this.journal.append({ t: 'del', id });
    this.unindex(id);
    return true;
  }

  saveMeta(): void {
    this.journal.append({ t: 'meta', paused: this.paused, watchedFolders: this.watchedFolders });
  }

  close(): void {
    this.journal.close();
  }

  /** Compaction only saves space; when it fails the full history stays and is retried later. */
  private tryCompact() {
    try {
      this.compact();
    } catch {
      // Keep appending to the intact journal.
    }
  }

  private compact() {
    this.journal.compact([
      { t: 'meta', paused: this.paused, watchedFolders: this.watchedFolders },
      ...[...this.docs.values()].map((doc) => ({
        t: 'doc' as const,
        doc: { ...doc, progress: null },
      })),
    ]);
  }

  private index(doc: DocumentRecord) {
    const previous = this.docs.get(doc.id);
    if (previous && previous.path !== doc.path) this.byPathIndex.delete(previous.path);
    this.docs.set(doc.id, doc);
    this.byPathIndex.set(doc.path, doc.id);
  }

  private unindex(id: string) {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.docs.delete(id);
    if (this.byPathIndex.get(doc.path) === id) this.byPathIndex.delete(doc.path);
  }
}
