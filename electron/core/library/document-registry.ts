import path from 'node:path';
import {
  isIndexingStatus,
  totalsOf,
  type DocumentInfo,
  type LibraryTotals,
} from '../../../shared/documents';
import { Journal } from '../journal/journal';

export type DocumentRecord = DocumentInfo & {
  contentHash: string | null;
  mtimeMs: number;
};

export type DocumentChange = {
  id: string;
  before: DocumentRecord | undefined;
  after: DocumentRecord | undefined;
};

type JournalRecord =
  | { t: 'doc'; doc: DocumentRecord }
  | { t: 'del'; id: string }
  | { t: 'meta'; paused: boolean; watchedFolders: string[] };

/** The totals one document adds to the library's: kept as it changes, never recounted. */
function signedTotalsOf(doc: DocumentRecord, sign: 1 | -1) {
  const one = totalsOf(doc);
  return { chunks: sign * one.chunks, indexing: sign * one.indexing, failed: sign * one.failed };
}

/**
 * The durable list of documents and the queue order. Stage transitions are journaled;
 * fast-moving progress stays in memory. After a crash, documents caught mid-flight go
 * back to the queue.
 */
export class DocumentRegistry {
  private readonly docs = new Map<string, DocumentRecord>();
  private readonly byPathIndex = new Map<string, string>();
  /** Queued documents in the order they were queued: the pump reads only these. */
  private readonly queue = new Set<string>();
  /** Ready documents still waiting for vectors, and ready documents per embedding model. */
  private readonly vectorsDue = new Set<string>();
  private readonly readyByModel = new Map<string, number>();
  private readonly byContentHash = new Map<string, Set<string>>();
  private readonly bySize = new Map<number, Set<string>>();
  private readonly journal: Journal<JournalRecord>;
  private readonly counts = { chunks: 0, indexing: 0, failed: 0 };
  private changes = 0;
  paused = false;
  watchedFolders: string[] = [];

  /**
   * `readOnly` (quire mcp): another process may own this journal, so opening it writes
   * nothing, neither the re-queue of documents caught mid-flight nor a compaction.
   */
  constructor(dataDir: string, options: { readOnly?: boolean } = {}) {
    this.journal = new Journal<JournalRecord>(path.join(dataDir, 'library', 'documents.jsonl'));
    const records = this.journal.load();
    for (const record of records) {
      if (record.t === 'doc') this.index(record.doc);
      else if (record.t === 'del') this.unindex(record.id);
      else {
        this.paused = record.paused;
        this.watchedFolders = record.watchedFolders;
      }
    }
    for (const doc of this.docs.values()) {
      // Caught mid-flight by a crash: back to the queue.
      if (doc.status !== 'queued' && isIndexingStatus(doc.status)) {
        const queued = { ...doc, status: 'queued' as const, progress: null };
        if (options.readOnly) this.index(queued);
        else this.putBestEffort(queued);
      } else if (doc.progress) doc.progress = null;
    }
    // Rewriting every record on each open cost start-up time in a large library; the
    // history is folded only once it outweighs the live state.
    if (!options.readOnly && records.length > 2 * (this.docs.size + 1)) this.tryCompact();
  }

  all(): DocumentRecord[] {
    return [...this.docs.values()];
  }

  get(id: string): DocumentRecord | undefined {
    return this.docs.get(id);
  }

  get size(): number {
    return this.docs.size;
  }

  /** Rises with every change to a document: lets a reader keep what it derived until then. */
  get version(): number {
    return this.changes;
  }

  /** The library's totals in O(1): sent with every queue change, so never a full count. */
  totals(): LibraryTotals {
    return { documents: this.docs.size, ...this.counts };
  }

  /** Queued documents, oldest first; O(1) per document taken. */
  queued(): IterableIterator<string> {
    return this.queue.values();
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  /**
   * Ready documents that need (new) vectors for `model`. Cheap when none do: documents of
   * another model are looked for only when the counts say some exist.
   */
  needingVectors(model: string): DocumentRecord[] {
    const others = [...this.readyByModel].some(([m, n]) => m !== model && n > 0);
    const due = [...this.vectorsDue].map((id) => this.docs.get(id)!);
    if (!others) return due;
    const stale = [...this.docs.values()].filter(
      (d) =>
        d.status === 'ready' &&
        !d.vectorsPending &&
        d.embeddingModel !== null &&
        d.embeddingModel !== model,
    );
    return [...due, ...stale];
  }

  /** Documents whose file had this many bytes: the only ones a new file can duplicate. */
  withSize(size: number): DocumentRecord[] {
    return [...(this.bySize.get(size) ?? [])].map((id) => this.docs.get(id)!);
  }

  /** Documents whose file had these exact bytes. */
  withContentHash(hash: string): DocumentRecord[] {
    return [...(this.byContentHash.get(hash) ?? [])].map((id) => this.docs.get(id)!);
  }

  byPath(filePath: string): DocumentRecord | undefined {
    const id = this.byPathIndex.get(filePath);
    return id ? this.docs.get(id) : undefined;
  }

  /**
   * Every ready document with passages now has vectors from `modelId` (a model switch's
   * last step). One journal rewrite rather than a record per document.
   */
  setEmbeddingModel(modelId: string): void {
    const changed: DocumentRecord[] = [];
    for (const doc of this.docs.values()) {
      if (doc.status !== 'ready' || doc.chunks === 0) continue;
      if (doc.embeddingModel === modelId && !doc.vectorsPending) continue;
      changed.push({ ...doc, embeddingModel: modelId, vectorsPending: false });
    }
    if (changed.length === 0) return;
    for (const doc of changed) this.index(doc);
    // A failed rewrite leaves the old tags: those documents are embedded again, nothing lost.
    this.tryCompact();
  }

  /** Durable upsert: journaled first, so a failed write (`disk_full`) changes nothing. */
  put(doc: DocumentRecord): DocumentRecord {
    this.journal.append({ t: 'doc', doc: { ...doc, progress: null } });
    this.index(doc);
    if (this.journal.needsCompaction(this.docs.size)) this.tryCompact();
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

  /**
   * A reader beside the writer (`readOnly`) takes in what the writer journaled since it last
   * looked. Returns each document that changed, as it was and as it is (undefined: absent).
   */
  refresh(): DocumentChange[] {
    const update = this.journal.readNew();
    if (!update) return [];
    const before = new Map<string, DocumentRecord | undefined>();
    const note = (id: string) => {
      if (!before.has(id)) before.set(id, this.docs.get(id));
    };
    const apply = (record: JournalRecord) => {
      if (record.t === 'doc') {
        note(record.doc.id);
        this.index({ ...record.doc, progress: null });
      } else if (record.t === 'del') {
        note(record.id);
        this.unindex(record.id);
      } else {
        this.paused = record.paused;
        this.watchedFolders = record.watchedFolders;
      }
    };
    if (update.replaced) {
      // A compaction wrote the whole state anew: what it no longer holds was deleted.
      const kept = new Set(update.records.flatMap((r) => (r.t === 'doc' ? [r.doc.id] : [])));
      for (const id of [...this.docs.keys()]) if (!kept.has(id)) apply({ t: 'del', id });
    }
    for (const record of update.records) apply(record);
    const changes: DocumentChange[] = [];
    for (const [id, was] of before) {
      const now = this.docs.get(id);
      if (JSON.stringify(was ?? null) !== JSON.stringify(now ?? null))
        changes.push({ id, before: was, after: now });
    }
    return changes;
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
    if (previous) this.unindexDerived(previous);
    if (previous && previous.path !== doc.path) this.byPathIndex.delete(previous.path);
    this.docs.set(doc.id, doc);
    this.changes++;
    this.count(doc, 1);
    this.byPathIndex.set(doc.path, doc.id);
    // A Set keeps a still-queued document in place; a re-queued one goes to the back.
    if (doc.status === 'queued') this.queue.add(doc.id);
    else this.queue.delete(doc.id);
    if (doc.status === 'ready') {
      if (doc.vectorsPending) this.vectorsDue.add(doc.id);
      if (doc.embeddingModel !== null)
        this.readyByModel.set(
          doc.embeddingModel,
          (this.readyByModel.get(doc.embeddingModel) ?? 0) + 1,
        );
    }
    addTo(this.bySize, doc.size, doc.id);
    if (doc.contentHash) addTo(this.byContentHash, doc.contentHash, doc.id);
  }

  private unindex(id: string) {
    const doc = this.docs.get(id);
    if (!doc) return;
    this.unindexDerived(doc);
    this.queue.delete(id);
    this.docs.delete(id);
    this.changes++;
    if (this.byPathIndex.get(doc.path) === id) this.byPathIndex.delete(doc.path);
  }

  /** Takes a record's entries out of the derived indexes (a new version may re-add them). */
  private unindexDerived(doc: DocumentRecord) {
    this.count(doc, -1);
    this.vectorsDue.delete(doc.id);
    if (doc.status === 'ready' && doc.embeddingModel !== null) {
      const n = (this.readyByModel.get(doc.embeddingModel) ?? 1) - 1;
      if (n > 0) this.readyByModel.set(doc.embeddingModel, n);
      else this.readyByModel.delete(doc.embeddingModel);
    }
    removeFrom(this.bySize, doc.size, doc.id);
    if (doc.contentHash) removeFrom(this.byContentHash, doc.contentHash, doc.id);
  }

  private count(doc: DocumentRecord, sign: 1 | -1) {
    const change = signedTotalsOf(doc, sign);
    this.counts.chunks += change.chunks;
    this.counts.indexing += change.indexing;
    this.counts.failed += change.failed;
  }
}

function addTo<K>(index: Map<K, Set<string>>, key: K, id: string) {
  const ids = index.get(key) ?? new Set<string>();
  ids.add(id);
  index.set(key, ids);
}

function removeFrom<K>(index: Map<K, Set<string>>, key: K, id: string) {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}
