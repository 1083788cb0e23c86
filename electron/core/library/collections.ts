import path from 'node:path';
import { CollectionNameSchema } from '../../../shared/collections';
import { QuireError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { Journal } from '../journal/journal';

/** A collection as kept on disk; its members are recorded on the documents themselves. */
export type CollectionRecord = { id: string; name: string; createdAt: number; updatedAt: number };

type BookRecord =
  | { t: 'col'; collection: CollectionRecord }
  | { t: 'del'; id: string }
  | { t: 'folder'; folder: string; collectionId: string | null };

/**
 * Collection definitions and which collection each watched folder feeds, journaled
 * (append-only, survives SIGKILL) beside the document registry.
 */
export class CollectionBook {
  private readonly collections = new Map<string, CollectionRecord>();
  private readonly folders = new Map<string, string>();
  private readonly journal: Journal<BookRecord>;

  constructor(dataDir: string, options: { readOnly?: boolean } = {}) {
    this.journal = new Journal<BookRecord>(path.join(dataDir, 'library', 'collections.jsonl'));
    for (const record of this.journal.load()) this.apply(record);
    if (!options.readOnly && this.journal.needsCompaction(this.collections.size)) this.compact();
  }

  /**
   * A reader beside the writer (`readOnly`) takes in what the writer journaled since it last
   * looked: the collections created or renamed, and those deleted.
   */
  refresh(): { changed: CollectionRecord[]; deleted: string[] } {
    const update = this.journal.readNew();
    if (!update) return { changed: [], deleted: [] };
    const before = new Map(this.collections);
    if (update.replaced) {
      // A compaction wrote the whole state anew.
      this.collections.clear();
      this.folders.clear();
    }
    for (const record of update.records) this.apply(record);
    return {
      changed: this.all().filter((c) => {
        const was = before.get(c.id);
        return !was || was.name !== c.name || was.updatedAt !== c.updatedAt;
      }),
      deleted: [...before.keys()].filter((id) => !this.collections.has(id)),
    };
  }

  all(): CollectionRecord[] {
    return [...this.collections.values()];
  }

  get(id: string): CollectionRecord | undefined {
    return this.collections.get(id);
  }

  has(id: string): boolean {
    return this.collections.has(id);
  }

  /** By id, or by name ignoring case (how the command line and other apps name them). */
  find(idOrName: string): CollectionRecord | undefined {
    const byId = this.collections.get(idOrName);
    if (byId) return byId;
    const wanted = idOrName.trim().toLowerCase();
    return this.all().find((c) => c.name.toLowerCase() === wanted);
  }

  create(name: string, now = Date.now()): CollectionRecord {
    const clean = this.checkName(name, null);
    const collection = { id: newId('k'), name: clean, createdAt: now, updatedAt: now };
    this.journal.append({ t: 'col', collection });
    this.collections.set(collection.id, collection);
    return collection;
  }

  rename(id: string, name: string, now = Date.now()): CollectionRecord {
    const current = this.require(id);
    const collection = { ...current, name: this.checkName(name, id), updatedAt: now };
    this.journal.append({ t: 'col', collection });
    this.collections.set(id, collection);
    return collection;
  }

  delete(id: string): boolean {
    if (!this.collections.has(id)) return false;
    this.journal.append({ t: 'del', id });
    this.collections.delete(id);
    for (const [folder, collectionId] of this.folders)
      if (collectionId === id) this.setFolder(folder, null);
    return true;
  }

  require(id: string): CollectionRecord {
    const collection = this.collections.get(id);
    if (!collection) throw new QuireError('not_found', `There is no collection "${id}".`);
    return collection;
  }

  /** The collection a watched folder feeds, if any. */
  folderCollection(folder: string): string | undefined {
    return this.folders.get(folder);
  }

  folderCollections(): Record<string, string> {
    return Object.fromEntries(this.folders);
  }

  /** False when the folder already fed that collection (nothing written). */
  setFolder(folder: string, collectionId: string | null): boolean {
    if ((this.folders.get(folder) ?? null) === collectionId) return false;
    this.journal.append({ t: 'folder', folder, collectionId });
    if (collectionId) this.folders.set(folder, collectionId);
    else this.folders.delete(folder);
    return true;
  }

  close(): void {
    this.journal.close();
  }

  private apply(record: BookRecord) {
    if (record.t === 'col') this.collections.set(record.collection.id, record.collection);
    else if (record.t === 'del') this.collections.delete(record.id);
    else if (record.collectionId) this.folders.set(record.folder, record.collectionId);
    else this.folders.delete(record.folder);
  }

  private checkName(name: string, self: string | null): string {
    const parsed = CollectionNameSchema.safeParse(name);
    if (!parsed.success)
      throw new QuireError('invalid_argument', 'A collection needs a name of 1 to 120 characters.');
    const clash = this.all().find(
      (c) => c.id !== self && c.name.toLowerCase() === parsed.data.toLowerCase(),
    );
    if (clash)
      throw new QuireError(
        'invalid_argument',
        `A collection named "${clash.name}" already exists.`,
      );
    return parsed.data;
  }

  private compact() {
    try {
      this.journal.compact([
        ...this.all().map((collection) => ({ t: 'col' as const, collection })),
        ...[...this.folders].map(([folder, collectionId]) => ({
          t: 'folder' as const,
          folder,
          collectionId,
        })),
      ]);
    } catch {
      // Compaction only saves space; the full history stays readable.
    }
  }
}
