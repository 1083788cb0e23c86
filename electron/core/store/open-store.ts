import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type Connection } from '@lancedb/lancedb';
import { isQuireError, QuireError } from '../../../shared/errors';
import { DEFAULT_FTS, ensureFtsIndex, ftsFingerprint, type FtsSettings } from './fts-index';
import { DEFAULT_MAINTENANCE, type MaintenancePolicy } from './maintenance';
import { migrate, readMeta, writeMeta, type StoreMeta } from './meta';
import { CHUNKS_TABLE, SCHEMA_VERSION } from './schema';
import { LanceStore } from './store';
import { guard, toStoreError } from './store-errors';
import { ensureScalarIndexes, openChunksTable } from './tables';
import { DEFAULT_VECTOR_INDEX, type VectorIndexPolicy } from './vector-index';

export type StoreOptions = {
  /** The LanceDB folder, normally `<dataDir>/lancedb`. */
  dir: string;
  /** Embedding width. Opening with a new width rebuilds the vector column as pending. */
  dims: number;
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
    await mkdir(options.dir, { recursive: true });
    const db = await connect(options.dir);
    const now = options.now ?? Date.now;
    const fts = { ...DEFAULT_FTS, ...options.fts };
    let meta: StoreMeta = (await readMeta(options.dir)) ?? {
      schemaVersion: SCHEMA_VERSION,
      dims: options.dims,
      createdAt: now(),
      fts: null,
      vectorIndex: null,
    };
    meta = await migrate({ db, dir: options.dir, meta });
    const fingerprint = ftsFingerprint(fts);
    const openTables = () =>
      damagedIfThrows(async () => {
        const { table: chunks, rebuilt } = await openChunksTable(db, options.dims);
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
      if (options.onDamagedTable !== 'set-aside' || !isQuireError(error)) throw error;
      if (error.code !== 'table_damaged') throw error;
      setAside = await setAsideUnopenable(db, options.dir, now());
      if (setAside.length === 0) throw error;
      tables = await openTables();
    }
    const { chunks, rebuilt } = tables;
    const opened = meta;
    meta = {
      ...meta,
      dims: options.dims,
      fts: fingerprint,
      vectorIndex: rebuilt ? null : meta.vectorIndex,
    };
    // Unchanged settings are not rewritten: opening must work on a full disk.
    if (JSON.stringify(meta) !== JSON.stringify(opened) || !(await readMeta(options.dir)))
      await writeMeta(options.dir, meta);
    return new LanceStore(
      db,
      options.dir,
      options.dims,
      meta,
      chunks,
      {
        now,
        maintenance: { ...DEFAULT_MAINTENANCE, ...options.maintenance },
        vectorIndex: { ...DEFAULT_VECTOR_INDEX, ...options.vectorIndex },
        fts,
      },
      setAside,
    );
  });
}

/** Moves each table that will not open out of LanceDB's sight, keeping its bytes. */
async function setAsideUnopenable(db: Connection, dir: string, now: number): Promise<string[]> {
  const moved: string[] = [];
  for (const name of [CHUNKS_TABLE]) {
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
