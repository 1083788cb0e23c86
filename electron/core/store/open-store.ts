import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type Connection, type Table } from '@lancedb/lancedb';
import { isQuireError, QuireError } from '../../../shared/errors';
import { DEFAULT_FTS, ensureFtsIndex, ftsFingerprint, type FtsSettings } from './fts-index';
import { DEFAULT_MAINTENANCE, type MaintenancePolicy } from './maintenance';
import {
  folderMetaFile,
  migrate,
  readMeta,
  writeMeta,
  type MetaFile,
  type ModelSwitchRecord,
  type StoreMeta,
} from './meta';
import { configureLanceRuntime } from './lance-runtime';
import { CHUNKS_TABLE, chunksSchema, SCHEMA_VERSION } from './schema';
import { LanceStore } from './store';
import { guard, toStoreError } from './store-errors';
import { ensureScalarIndexes, isChunksTableName, openChunksTable, openOrCreate } from './tables';
import { DEFAULT_VECTOR_INDEX, type VectorIndexPolicy } from './vector-index';

export type StoreOptions = {
  /** The LanceDB folder, normally `<dataDir>/lancedb`, or a bucket's URI (s3://bucket/prefix). */
  dir: string;
  /** For a library in a bucket: how LanceDB reaches it, and the object that holds the settings. */
  bucket?: { storageOptions: Record<string, string>; metaFile: MetaFile };
  /** Called before every write: throws when this process may no longer write. */
  writeGuard?: () => void;
  /** Embedding width. Opening with a new width rebuilds the vector column as pending. */
  dims: number;
  /** The model the library's vectors come from (recorded, so the next start can read it). */
  embeddingModel?: string;
  /** A reader beside the writer: leaves tables it does not know alone (they may be the writer's new ones). */
  readOnly?: boolean;
  fts?: FtsSettings;
  maintenance?: Partial<MaintenancePolicy>;
  vectorIndex?: Partial<VectorIndexPolicy>;
  now?: () => number;
  /**
   * 'set-aside': a table that cannot be opened is moved to `<name>.lance.damaged-<time>` and
   * created empty, so the app starts and can offer a rebuild (see LanceStore.setAside).
   */
  onDamagedTable?: 'throw' | 'set-aside';
};

/**
 * Opens (or creates) the store: migrates the schema, opens the chunks table, rebuilds the vector
 * column if the embedding width changed and (re)builds the full-text index when missing or
 * when its settings changed. A table that cannot be opened yields 'table_damaged'.
 */
export async function openStore(options: StoreOptions): Promise<LanceStore> {
  if (!Number.isInteger(options.dims) || options.dims <= 0) {
    throw new QuireError('invalid_argument', `Embedding width must be a positive integer.`);
  }
  return guard('open', async () => {
    if (!options.bucket) await mkdir(options.dir, { recursive: true });
    configureLanceRuntime();
    const db = await connect(
      options.dir,
      options.bucket ? { storageOptions: options.bucket.storageOptions } : undefined,
    );
    const metaFile = options.bucket?.metaFile ?? folderMetaFile(options.dir);
    const now = options.now ?? Date.now;
    const fts = { ...DEFAULT_FTS, ...options.fts };
    let meta: StoreMeta = (await readMeta(metaFile)) ?? {
      schemaVersion: SCHEMA_VERSION,
      dims: options.dims,
      createdAt: now(),
      fts: null,
      vectorIndex: null,
      chunksTable: CHUNKS_TABLE,
      modelSwitch: null,
      switchedFrom: null,
      embeddingModel: null,
    };
    meta = await migrate({ db, metaFile, meta });
    const fingerprint = ftsFingerprint(fts);
    const openTables = () =>
      damagedIfThrows(async () => {
        const { table: chunks, rebuilt } = await openChunksTable(
          db,
          options.dims,
          meta.chunksTable,
        );
        const refit = rebuilt || (meta.fts !== null && meta.fts !== fingerprint);
        await ensureFtsIndex(chunks, fts, refit);
        await ensureScalarIndexes(chunks);
        return { chunks, rebuilt };
      });
    let setAside: string[] = [];
    let tables;
    try {
      tables = await openTables();
    } catch (error) {
      // A bucket's tables are not moved aside: the damage is reported and the bytes left alone.
      if (options.onDamagedTable !== 'set-aside' || options.bucket || !isQuireError(error))
        throw error;
      if (error.code !== 'table_damaged') throw error;
      setAside = await setAsideUnopenable(db, options.dir, now());
      if (setAside.length === 0) throw error;
      tables = await openTables();
    }
    const { chunks, rebuilt } = tables;
    const opened = meta;
    // A width forced by a flag rebuilt the table as pending: a switch under way is moot.
    const modelSwitch = rebuilt ? null : meta.modelSwitch;
    meta = {
      ...meta,
      dims: options.dims,
      fts: fingerprint,
      vectorIndex: rebuilt ? null : meta.vectorIndex,
      modelSwitch,
      embeddingModel: options.embeddingModel ?? meta.embeddingModel,
    };
    const staging = modelSwitch ? await openStagingTable(db, modelSwitch) : null;
    if (!options.readOnly)
      await dropStrayChunkTables(db, [
        meta.chunksTable,
        ...(modelSwitch ? [modelSwitch.table] : []),
      ]);
    // Unchanged settings are not rewritten: opening must work on a full disk.
    if (JSON.stringify(meta) !== JSON.stringify(opened) || !(await readMeta(metaFile)))
      await writeMeta(metaFile, meta);
    return new LanceStore(
      db,
      options.bucket ? null : options.dir,
      metaFile,
      options.dims,
      meta,
      chunks,
      {
        now,
        maintenance: { ...DEFAULT_MAINTENANCE, ...options.maintenance },
        vectorIndex: { ...DEFAULT_VECTOR_INDEX, ...options.vectorIndex },
        fts,
        writeGuard: options.writeGuard,
      },
      setAside,
      staging,
    );
  });
}

/** The switch's table as a kill left it; one that will not open starts again empty. */
async function openStagingTable(db: Connection, record: ModelSwitchRecord): Promise<Table> {
  try {
    return await openOrCreate(db, record.table, chunksSchema(record.dims));
  } catch {
    return db.createEmptyTable(record.table, chunksSchema(record.dims), { mode: 'overwrite' });
  }
}

/**
 * Chunk tables nothing names: the old model's table when a kill came between the switch's
 * commit and its removal, or a cancelled switch's. Their space is given back.
 */
async function dropStrayChunkTables(db: Connection, keep: readonly string[]): Promise<void> {
  for (const name of await db.tableNames()) {
    if (isChunksTableName(name) && !keep.includes(name)) await db.dropTable(name);
  }
}

/** Moves each table that will not open out of LanceDB's sight, keeping its bytes. */
async function setAsideUnopenable(db: Connection, dir: string, now: number): Promise<string[]> {
  const moved: string[] = [];
  const meta = await readMeta(dir);
  for (const name of [meta?.chunksTable ?? CHUNKS_TABLE]) {
    try {
      const table = await db.openTable(name);
      await table.schema();
      table.close();
    } catch {
      const folder = join(dir, `${name}.lance`);
      await rename(folder, `${folder}.damaged-${now}`);
      moved.push(name);
    }
  }
  return moved;
}

async function damagedIfThrows<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mapped = toStoreError(error, 'open');
    if (mapped.code !== 'internal') throw mapped;
    throw new QuireError('table_damaged', 'The search index is damaged and needs to be rebuilt.', {
      cause: error,
    });
  }
}
