import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, Table } from '@lancedb/lancedb';
import { QuireError } from '../../../shared/errors';
import { chunkArrowTable, splitVectors, toChunkRows, type ChunkRow } from './chunk-rows';
import type { ArrowTable } from './arrow';
import {
  checkTables,
  OptimizeThrottle,
  optimizeTables,
  type MaintenancePolicy,
  type OptimizeReport,
  type TableHealth,
} from './maintenance';
import {
  CHUNK_COLUMNS,
  chunksSchema,
  rowToChunk,
  sqlString,
  type ChunkInput,
  type StoredChunk,
} from './schema';
import { guard } from './store-errors';
import { readMeta, writeMeta, type MetaFile, type ModelSwitchRecord, type StoreMeta } from './meta';
import { ensureFtsIndex } from './fts-index';
import { maintainVectorIndex, type VectorIndexPolicy } from './vector-index';
import type { FtsSettings } from './fts-index';
import {
  createIndexedChunks,
  dropTableIfExists,
  ensureScalarIndexes,
  nextChunksTableName,
} from './tables';
import { readCollections, updateCollections } from './collection-rows';

export type ReplaceOptions = {
  /** One flat [chunks × dims] buffer, as workers transfer them; or set ChunkInput.vector. */
  vectors?: Float32Array | null;
  /** Required when any vector is given; recorded on each embedded chunk. */
  embeddingModel?: string | null;
};
export type DocumentChunkSet = ReplaceOptions & {
  docId: string;
  chunks: readonly ChunkInput[];
  /** The document's collections, copied onto each chunk for scoped search. */
  collections?: readonly string[];
};
export type DocumentVectorSet = {
  docId: string;
  modelId: string;
  vectors: readonly Float32Array[] | Float32Array;
};
export type WriteResult = { version: number; chunks: number };

export type Store = LanceStore;

export type StoreSettings = {
  now: () => number;
  maintenance: MaintenancePolicy;
  vectorIndex: VectorIndexPolicy;
  fts: FtsSettings;
  /** Throws when this process may no longer write (a bucket's writer lease was lost). */
  writeGuard?: () => void;
};

export class LanceStore {
  private chain: Promise<unknown> = Promise.resolve();
  /** The model of the latest embedded write: what a (re)trained ANN index is trained on. */
  private lastModel: string | null = null;
  private readonly throttle: OptimizeThrottle;
  private chunkSchema;
  /** Optimize runs so far: each one folds new rows into the full-text and scalar indexes. */
  optimizeRuns = 0;

  constructor(
    private readonly db: Connection,
    /** The LanceDB folder; null for a library in a bucket. */
    readonly dir: string | null,
    private readonly metaFile: MetaFile,
    /** Vector width of the chunks table; a completed model switch changes it. */
    public dims: number,
    private meta: StoreMeta,
    private chunks: Table,
    readonly settings: StoreSettings,
    /** Tables found damaged at open, moved aside and recreated empty; cleared by rebuild(). */
    public setAside: readonly string[] = [],
    /** A model switch's table: every chunk again, with the new model's vectors. */
    private staging: Table | null = null,
  ) {
    this.throttle = new OptimizeThrottle(settings.maintenance, settings.now);
    this.chunkSchema = chunksSchema(dims);
  }

  /** The raw table for retrieval's queries; all writes must go through the store. */
  get tables(): { readonly chunks: Table } {
    return { chunks: this.chunks };
  }

  /** One writer: mutations and maintenance run one at a time, in call order. */
  private serial<T>(action: string, run: () => Promise<T>): Promise<T> {
    const next = this.chain.then(() => {
      this.settings.writeGuard?.();
      return guard(action, run);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Removes a document's chunks in one commit. */
  deleteDocument(docId: string): Promise<void> {
    return this.serial('delete the document', async () => {
      await this.chunks.delete(docFilter([docId]));
      await this.staging?.delete(docFilter([docId]));
      this.throttle.note();
    });
  }

  /**
   * Swaps a document's chunks in one LanceDB commit (one new table version), so readers see
   * the old set or the new set, never a mix. New documents take a plain append, also one commit.
   */
  replaceDocumentChunks(
    docId: string,
    chunks: readonly ChunkInput[],
    options: ReplaceOptions = {},
  ): Promise<WriteResult> {
    return this.replaceDocuments([{ docId, chunks, ...options }]);
  }

  /** Several documents in one commit: each appears (or is replaced) whole, all at once. */
  replaceDocuments(batch: readonly DocumentChunkSet[]): Promise<WriteResult> {
    const prepared = this.prepare(batch);
    if (prepared instanceof Error) return Promise.reject(prepared);
    return this.serial('save the document', () =>
      this.commitChunks(prepared.docIds, prepared.rows, true),
    );
  }

  /**
   * The writer's path. New documents (no chunks yet, found through the doc_id index) take a
   * plain append, one commit for all of them; the others are swapped by a merge.
   */
  writeDocuments(
    batch: readonly DocumentChunkSet[],
  ): Promise<{ appended: number; replaced: number }> {
    const prepared = this.prepare(batch);
    if (prepared instanceof Error) return Promise.reject(prepared);
    return this.serial('save the document', async () => {
      const known = await this.docsWithChunks(prepared.docIds);
      const fresh = new Set(prepared.docIds.filter((id) => !known.has(id)));
      const appended = prepared.rows.filter((r) => fresh.has(r.docId));
      if (appended.length > 0) {
        this.lastModel = appended.find((r) => r.vector)?.embeddingModel ?? this.lastModel;
        await this.chunks.add(chunkArrowTable(this.chunkSchema, appended, this.dims));
        this.throttle.note(appended.length);
      }
      const others = prepared.docIds.filter((id) => !fresh.has(id));
      const rows = prepared.rows.filter((r) => !fresh.has(r.docId));
      await this.commitChunks(others, rows, true);
      return { appended: fresh.size, replaced: others.length };
    });
  }

  private async docsWithChunks(docIds: readonly string[]): Promise<Set<string>> {
    if (docIds.length === 0) return new Set();
    const rows = await this.chunks.query().where(docFilter(docIds)).select(['doc_id']).toArray();
    return new Set(rows.map((r) => String((r as { doc_id: unknown }).doc_id)));
  }

  private prepare(
    batch: readonly DocumentChunkSet[],
  ): { docIds: string[]; rows: ChunkRow[] } | Error {
    const docIds = batch.map((d) => d.docId);
    if (new Set(docIds).size !== docIds.length)
      return new QuireError('invalid_argument', 'A document appears twice in one write.');
    try {
      const rows = batch.flatMap((d) => {
        // Embedded by the model a switch just replaced (in flight at the switch): stored
        // without vectors, so the new model embeds it.
        const late = d.embeddingModel != null && d.embeddingModel === this.meta.switchedFrom;
        const vectors = late ? null : d.vectors;
        const flat = vectors ? splitVectors(vectors, d.chunks.length, this.dims) : null;
        const chunks = late
          ? d.chunks.map((c) => ({ ...c, vector: null }))
          : flat
            ? d.chunks.map((c, i) => ({ ...c, vector: flat[i] }))
            : d.chunks;
        const model = late ? null : (d.embeddingModel ?? null);
        return toChunkRows(d.docId, chunks, this.dims, model, d.collections);
      });
      return { docIds, rows };
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Attaches vectors (in ordinal order) to a document's existing chunks: for "indexed now,
   * embedded later" and for re-embedding after a model change.
   */
  setVectors(
    docId: string,
    modelId: string,
    vectors: readonly Float32Array[] | Float32Array,
  ): Promise<WriteResult> {
    return this.setVectorsMany([{ docId, modelId, vectors }]);
  }

  /** setVectors for many documents in one commit (a merge costs a pass over the table). */
  setVectorsMany(batch: readonly DocumentVectorSet[]): Promise<WriteResult> {
    const docIds = batch.map((d) => d.docId);
    if (new Set(docIds).size !== docIds.length)
      return Promise.reject(new QuireError('invalid_argument', 'A document appears twice.'));
    return this.serial('save the vectors', async () => {
      const rows: ChunkRow[] = [];
      const stored = await this.readChunksOf(docIds);
      for (const { docId, modelId, vectors } of batch) {
        const current = stored.get(docId)!;
        if (current.length === 0)
          throw new QuireError('not_found', 'That document has no passages to embed.');
        const split = splitVectors(vectors, current.length, this.dims);
        for (const [i, c] of current.entries())
          rows.push({ ...c, vector: split[i] ?? null, embeddingModel: modelId });
      }
      return this.commitChunks(docIds, rows, false);
    });
  }

  private async commitChunks(
    docIds: readonly string[],
    rows: readonly ChunkRow[],
    replace: boolean,
  ): Promise<WriteResult> {
    if (docIds.length === 0) return { version: await this.chunks.version(), chunks: 0 };
    const filter = docFilter(docIds);
    this.throttle.note(rows.length);
    // New passages: a switch under way embeds them again with its model.
    if (replace) await this.staging?.delete(filter);
    if (rows.length === 0) {
      const result = await this.chunks.delete(filter);
      return { version: result.version, chunks: 0 };
    }
    this.lastModel = rows.find((r) => r.vector)?.embeddingModel ?? this.lastModel;
    const data = chunkArrowTable(this.chunkSchema, rows, this.dims);
    if (replace && (await this.chunks.countRows(filter)) === 0) {
      const result = await this.chunks.add(data);
      return { version: result.version, chunks: rows.length };
    }
    const result = replace
      ? await replaceDocumentRows(this.chunks, filter, data)
      : await this.chunks.mergeInsert('id').whenMatchedUpdateAll().execute(data);
    return { version: result.version, chunks: rows.length };
  }

  private async readChunks(docId: string): Promise<StoredChunk[]> {
    return (await this.readChunksOf([docId])).get(docId)!;
  }

  /** Each document's chunks in ordinal order, from one query (empty for a document without). */
  private async readChunksOf(docIds: readonly string[]): Promise<Map<string, StoredChunk[]>> {
    const rows = await this.chunks
      .query()
      .where(docFilter(docIds))
      .select([...CHUNK_COLUMNS])
      .toArray();
    const byDoc = new Map<string, StoredChunk[]>(docIds.map((id) => [id, []]));
    for (const row of rows) {
      const chunk = rowToChunk(row as Record<string, unknown>);
      byDoc.get(chunk.docId)?.push(chunk);
    }
    for (const chunks of byDoc.values()) chunks.sort((a, b) => a.ordinal - b.ordinal);
    return byDoc;
  }

  /** Rewrites the collections on these documents' chunk rows: no re-embedding. */
  setCollections(memberships: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (memberships.size === 0) return Promise.resolve();
    return this.serial('save the collections', async () => {
      await updateCollections(this.chunks, memberships);
      if (this.staging) await updateCollections(this.staging, memberships);
      this.throttle.note();
    });
  }

  collectionsByDocument(): Promise<Map<string, string[]>> {
    return guard('read collections', () => readCollections(this.chunks));
  }

  /** A document's chunks in reading order, without vectors (e.g. to embed them later). */
  getChunks(docId: string): Promise<StoredChunk[]> {
    return guard('read passages', () => this.readChunks(docId));
  }

  chunkIdsFor(docId: string): Promise<string[]> {
    return guard('read passages', async () => (await this.readChunks(docId)).map((c) => c.id));
  }

  countChunks(docId?: string): Promise<number> {
    return guard('count passages', () =>
      this.chunks.countRows(docId === undefined ? undefined : `doc_id = ${sqlString(docId)}`),
    );
  }

  /** Chunks that vector search can see (optionally only those from one model). */
  countVectors(embeddingModel?: string): Promise<number> {
    const model =
      embeddingModel === undefined ? '' : ` AND embedding_model = ${sqlString(embeddingModel)}`;
    return guard('count passages', () => this.chunks.countRows(`has_vector = true${model}`));
  }

  version(): Promise<number> {
    return guard('read the version', () => this.chunks.version());
  }

  fragments(): Promise<{ chunks: number }> {
    return guard('read statistics', async () => ({
      chunks: (await this.chunks.stats()).fragmentStats.numFragments,
    }));
  }

  /** Compacts, refreshes indexes, drops old versions and builds the ANN index when due. */
  optimize(): Promise<OptimizeReport> {
    return this.serial('tidy the index', async () => {
      const started = this.settings.now();
      const tables = this.staging ? [this.chunks, this.staging] : [this.chunks];
      const report = await optimizeTables(tables, this.throttle.cleanupBefore(started));
      const built = await maintainVectorIndex(
        this.chunks,
        this.settings.vectorIndex,
        this.meta.vectorIndex,
        this.lastModel,
        this.settings.now(),
      );
      if (built) {
        this.meta = { ...this.meta, vectorIndex: built };
        await writeMeta(this.metaFile, this.meta);
      }
      const vectorIndexBuilt = built !== null;
      this.optimizeRuns += 1;
      this.throttle.reset(await this.chunks.countRows(), this.settings.now() - started);
      return { ...report, vectorIndexBuilt, durationMs: this.settings.now() - started };
    });
  }

  /**
   * The writer calls this after each document and with `force` when its queue drains.
   * It optimizes only when enough writes or time have piled up (see MaintenancePolicy).
   */
  async maybeOptimize(options: { force?: boolean } = {}): Promise<OptimizeReport | null> {
    const due = options.force ? this.throttle.pendingWrites > 0 : this.throttle.due();
    return due ? this.optimize() : null;
  }

  checkHealth(): Promise<TableHealth[]> {
    return guard('check the index', () => checkTables(this.db, [this.meta.chunksTable]));
  }

  /**
   * Drops the chunks table and creates it empty, with its indexes: the way back from a damaged
   * table. Everything in it is derived from the documents' files, which re-indexing reads.
   */
  rebuild(): Promise<void> {
    return this.serial('rebuild the index', async () => {
      this.chunks.close();
      await this.dropStaging();
      const name = this.meta.chunksTable;
      await dropTableIfExists(this.db, name);
      this.chunks = await createIndexedChunks(this.db, this.dims, this.settings.fts, name);
      this.lastModel = null;
      this.throttle.reset(0, 0);
      this.meta = { ...this.meta, vectorIndex: null, modelSwitch: null };
      await writeMeta(this.metaFile, this.meta);
      this.setAside = [];
      if (this.dir) await removeSetAside(this.dir);
    });
  }

  /** The model switch under way, if any. */
  get modelSwitch(): ModelSwitchRecord | null {
    return this.meta.modelSwitch;
  }

  /** The model the library's vectors come from, as last recorded. */
  get embeddingModel(): string | null {
    return this.meta.embeddingModel;
  }

  /** The model the last completed switch replaced. */
  get switchedFrom(): string | null {
    return this.meta.switchedFrom;
  }

  /**
   * Starts (or takes up again) a switch to `modelId`: a new chunks table, written beside the
   * one search reads, until completeModelSwitch names it in one step. Another target's
   * unfinished table is dropped.
   */
  beginModelSwitch(target: {
    modelId: string;
    dims: number;
    fromModel: string | null;
  }): Promise<ModelSwitchRecord> {
    return this.serial('start the model switch', async () => {
      const current = this.meta.modelSwitch;
      if (current && current.modelId === target.modelId && current.dims === target.dims) {
        if (current.paused) await this.saveMeta({ modelSwitch: { ...current, paused: false } });
        return this.meta.modelSwitch!;
      }
      await this.dropStaging();
      // The current table's name counts even when the listing misses it (some S3-compatible servers).
      const table = nextChunksTableName([...(await this.db.tableNames()), this.meta.chunksTable]);
      this.staging = await this.db.createEmptyTable(table, chunksSchema(target.dims));
      await ensureScalarIndexes(this.staging);
      const record: ModelSwitchRecord = {
        ...target,
        table,
        startedAt: this.settings.now(),
        paused: false,
      };
      await this.saveMeta({ modelSwitch: record });
      return record;
    });
  }

  /** Remembered across restarts: a paused switch stays paused. */
  setModelSwitchPaused(paused: boolean): Promise<void> {
    return this.serial('pause the model switch', async () => {
      const current = this.meta.modelSwitch;
      if (current && current.paused !== paused)
        await this.saveMeta({ modelSwitch: { ...current, paused } });
    });
  }

  /** Drops the switch's table: the library keeps its model, and the space comes back. */
  cancelModelSwitch(): Promise<void> {
    return this.serial('cancel the model switch', async () => {
      await this.dropStaging();
      await this.saveMeta({ modelSwitch: null });
    });
  }

  /**
   * What the switch still has to embed: the documents whose passages in the chunks table are
   * not all in the switch's table (never staged, or re-indexed since), with their counts.
   */
  modelSwitchBacklog(): Promise<{ pending: Map<string, number>; stagedChunks: number }> {
    return guard('read the model switch', async () => {
      const staging = this.staging;
      if (!staging) return { pending: new Map(), stagedChunks: 0 };
      const [current, staged] = await Promise.all([
        chunkCountsByDoc(this.chunks),
        chunkCountsByDoc(staging),
      ]);
      const pending = new Map<string, number>();
      let stagedChunks = 0;
      for (const [docId, count] of current) {
        if (staged.get(docId) === count) stagedChunks += count;
        else pending.set(docId, count);
      }
      return { pending, stagedChunks };
    });
  }

  /**
   * Writes documents' passages, with the switch model's vectors, to the switch's table. A
   * document whose passage count changed since its texts were read is skipped (the backlog
   * shows it again).
   */
  stageVectors(batch: readonly DocumentVectorSet[]): Promise<{ staged: number; skipped: number }> {
    return this.serial('save the new vectors', async () => {
      const record = this.meta.modelSwitch;
      const staging = this.staging;
      if (!record || !staging)
        throw new QuireError('invalid_argument', 'No model switch is under way.');
      const docIds = batch.map((d) => d.docId);
      const stored = await this.readChunksOf(docIds);
      const rows: ChunkRow[] = [];
      const written: string[] = [];
      for (const { docId, vectors } of batch) {
        const current = stored.get(docId) ?? [];
        const count =
          vectors instanceof Float32Array ? vectors.length / record.dims : vectors.length;
        if (current.length === 0 || current.length !== count) continue;
        const split = splitVectors(vectors, current.length, record.dims);
        for (const [i, c] of current.entries())
          rows.push({ ...c, vector: split[i]!, embeddingModel: record.modelId });
        written.push(docId);
      }
      if (written.length > 0) {
        const data = chunkArrowTable(chunksSchema(record.dims), rows, record.dims);
        await replaceDocumentRows(staging, docFilter(written), data);
        this.throttle.note(rows.length);
      }
      return { staged: written.length, skipped: batch.length - written.length };
    });
  }

  /**
   * The switch's one step: when every passage has its new vector, the switch's table gets its
   * full-text and scalar indexes and becomes the chunks table (the meta file is replaced by a
   * rename, so a kill leaves the old or the new). The old table is dropped after a grace
   * period for searches still reading it. Resolves false while a backlog remains.
   */
  completeModelSwitch(): Promise<boolean> {
    return this.serial('finish the model switch', async () => {
      const record = this.meta.modelSwitch;
      const staging = this.staging;
      if (!record || !staging) return false;
      const [current, staged] = await Promise.all([
        chunkCountsByDoc(this.chunks),
        chunkCountsByDoc(staging),
      ]);
      for (const [docId, count] of current) if (staged.get(docId) !== count) return false;
      // Documents deleted meanwhile may have left rows behind in a race: not carried over.
      const gone = [...staged.keys()].filter((id) => !current.has(id));
      if (gone.length > 0) await staging.delete(docFilter(gone));
      await ensureFtsIndex(staging, this.settings.fts, true);
      await ensureScalarIndexes(staging);
      const old = this.chunks;
      const oldName = this.meta.chunksTable;
      await this.saveMeta({
        chunksTable: record.table,
        dims: record.dims,
        modelSwitch: null,
        switchedFrom: record.fromModel,
        embeddingModel: record.modelId,
        vectorIndex: null,
      });
      this.chunks = staging;
      this.staging = null;
      this.dims = record.dims;
      this.chunkSchema = chunksSchema(record.dims);
      this.lastModel = record.modelId;
      this.throttle.reset(await staging.countRows(), 0);
      this.reclaimTimer = setTimeout(() => {
        this.reclaimTimer = null;
        void this.serial('reclaim the old vectors', async () => {
          old.close();
          await dropTableIfExists(this.db, oldName);
        }).catch(() => undefined);
      }, OLD_TABLE_GRACE_MS);
      this.reclaimTimer.unref?.();
      return true;
    });
  }

  /**
   * A reader's look at what the writer did: the chunks table's newest version, or the table a
   * completed model switch made current (with its width). Resolves the library's model when
   * that changed.
   */
  followWriter(): Promise<{ embeddingModelChanged: string | null }> {
    return guard('read the latest version', async () => {
      const latest = await readMeta(this.metaFile);
      if (!latest || latest.chunksTable === this.meta.chunksTable) {
        await this.chunks.checkoutLatest();
        return { embeddingModelChanged: null };
      }
      const next = await this.db.openTable(latest.chunksTable);
      const old = this.chunks;
      this.chunks = next;
      this.dims = latest.dims;
      this.chunkSchema = chunksSchema(latest.dims);
      this.meta = latest;
      old.close();
      return { embeddingModelChanged: latest.embeddingModel };
    });
  }

  private reclaimTimer: ReturnType<typeof setTimeout> | null = null;

  private async dropStaging(): Promise<void> {
    const record = this.meta.modelSwitch;
    this.staging?.close();
    this.staging = null;
    if (record) await dropTableIfExists(this.db, record.table);
  }

  private async saveMeta(change: Partial<StoreMeta>): Promise<void> {
    const next = { ...this.meta, ...change };
    await writeMeta(this.metaFile, next);
    this.meta = next;
  }

  /** Waits for queued writes, then releases the tables. */
  async close(): Promise<void> {
    await this.chain;
    if (this.reclaimTimer) clearTimeout(this.reclaimTimer);
    this.chunks.close();
    this.staging?.close();
    this.db.close();
  }
}

/** The damaged copies openStore set aside: once rebuilt from the files, they are not needed. */
async function removeSetAside(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (/\.lance\.damaged-\d+$/.test(entry))
      await rm(join(dir, entry), { recursive: true, force: true });
  }
}

/** Searches that began on the old table finish well within this; then its files go. */
const OLD_TABLE_GRACE_MS = 10_000;

/** One commit: the documents matched by `filter` end with exactly the rows in `data`. */
function replaceDocumentRows(table: Table, filter: string, data: ArrowTable) {
  return table
    .mergeInsert('id')
    .whenMatchedUpdateAll()
    .whenNotMatchedInsertAll()
    .whenNotMatchedBySourceDelete({ where: filter })
    .execute(data);
}

/** Passages per document, read from the doc_id column alone. */
async function chunkCountsByDoc(table: Table): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const batch of table.query().select(['doc_id'])) {
    const column = batch.getChild('doc_id');
    if (!column) continue;
    for (let i = 0; i < batch.numRows; i++) {
      const id = String(column.get(i));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** The filter for the chunks of `docIds` (served by the doc_id index). */
function docFilter(docIds: readonly string[]): string {
  return docIds.length === 1
    ? `doc_id = ${sqlString(docIds[0]!)}`
    : `doc_id IN (${docIds.map(sqlString).join(', ')})`;
}
