import type { Table } from '@lancedb/lancedb';
import { buildArrowTable } from './arrow';
import {
  documentColumns,
  documentsSchema,
  rowToDocument,
  sqlString,
  type StoredDocument,
} from './schema';

/**
 * The documents table plus an in-memory mirror. The table holds one row per file and every
 * write goes through here, so the mirror stays exact and search can label its hits without
 * a LanceDB query (~1-5 ms each) per search.
 */
// Copies in and out, so callers can never mutate the mirror.
const copy = (d: StoredDocument): StoredDocument => ({
  ...d,
  error: d.error ? { ...d.error } : null,
});

export class DocumentTable {
  private readonly schema = documentsSchema();
  private cache: Map<string, StoredDocument> | null = null;
  /** Bumped by every write, so a load that raced a write is not installed as the mirror. */
  private generation = 0;

  constructor(readonly table: Table) {}

  /** New rows take a plain append; a merge (which joins the whole table) only for updates. */
  async upsert(docs: readonly StoredDocument[]): Promise<void> {
    const existing = await this.all();
    const data = buildArrowTable(this.schema, documentColumns(docs), docs.length);
    this.generation += 1;
    if (
      docs.every((d) => !existing.has(d.id)) &&
      new Set(docs.map((d) => d.id)).size === docs.length
    )
      await this.table.add(data);
    else
      await this.table
        .mergeInsert('id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute(data);
    this.generation += 1;
    for (const doc of docs) this.cache?.set(doc.id, copy(doc));
  }

  async delete(id: string): Promise<void> {
    this.generation += 1;
    await this.table.delete(`id = ${sqlString(id)}`);
    this.generation += 1;
    this.cache?.delete(id);
  }

  private async all(): Promise<Map<string, StoredDocument>> {
    if (this.cache) return this.cache;
    const started = this.generation;
    const rows = await this.table.query().toArray();
    const loaded = new Map(
      rows.map((r) => rowToDocument(r as Record<string, unknown>)).map((d) => [d.id, d]),
    );
    if (started === this.generation) this.cache = loaded;
    return loaded;
  }

  async get(id: string): Promise<StoredDocument | null> {
    const doc = (await this.all()).get(id);
    return doc ? copy(doc) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredDocument>> {
    const all = await this.all();
    const found = new Map<string, StoredDocument>();
    for (const id of ids) {
      const doc = all.get(id);
      if (doc) found.set(id, copy(doc));
    }
    return found;
  }

  async list(): Promise<StoredDocument[]> {
    return [...(await this.all()).values()]
      .map(copy)
      .sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Forget the mirror, e.g. after the table was changed behind our back. */
  invalidate(): void {
    this.generation += 1;
    this.cache = null;
  }
}
