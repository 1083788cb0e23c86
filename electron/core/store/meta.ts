import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection } from '@lancedb/lancedb';
import { QuireError } from '../../../shared/errors';
import { CHUNKS_TABLE, collectionsField, RETIRED_DOCUMENTS_TABLE, SCHEMA_VERSION } from './schema';
import type { VectorIndexState } from './vector-index';

/** Sits in the LanceDB folder; LanceDB lists only `*.lance` folders, so it ignores the file. */
export const META_FILE = 'quire-store.json';

export type StoreMeta = {
  schemaVersion: number;
  /** Width of the chunk vectors; a different embedding width rebuilds the vector column. */
  dims: number;
  createdAt: number;
  /** Settings the full-text index was built with; a change triggers a rebuild. */
  fts: string | null;
  /** What the ANN index was trained on, to know when to retrain it. */
  vectorIndex: VectorIndexState | null;
  /** The LanceDB table that holds the chunks; a model switch ends by naming a new one here. */
  chunksTable: string;
  /** A model switch under way: its vectors go to `table` until the switch completes. */
  modelSwitch: ModelSwitchRecord | null;
  /** The model the last completed switch left (records still naming it are retagged). */
  switchedFrom: string | null;
  /** The model the vectors come from: the one the store was last opened with, or switched to. */
  embeddingModel: string | null;
};

export type ModelSwitchRecord = {
  modelId: string;
  dims: number;
  table: string;
  /** The model the library had when the switch began. */
  fromModel: string | null;
  startedAt: number;
  paused: boolean;
};

export type MigrationContext = { db: Connection; metaFile: MetaFile; meta: StoreMeta };

/** Upgrades a store from `from` to `from + 1`. */
export type Migration = { from: number; run: (ctx: MigrationContext) => Promise<void> };

/**
 * v2 adds `fts_text`, the words the full-text index reads. Old rows get a plain lower-cased,
 * punctuation-free copy of their text (no segmentation or stemming until re-indexed); the
 * index is rebuilt on the new column when the store opens.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    run: async ({ db }) => {
      if (!(await db.tableNames()).includes('chunks')) return;
      const table = await db.openTable('chunks');
      try {
        const fields = (await table.schema()).fields.map((f) => f.name);
        if (!fields.includes('fts_text')) {
          await table.addColumns([
            {
              name: 'fts_text',
              valueSql: "lower(regexp_replace(text, '[^[:alnum:]]+', ' ', 'g'))",
            },
          ]);
        }
      } finally {
        table.close();
      }
    },
  },
  /**
   * v3 drops the `documents` table. It held placeholder rows (no size, no hash) that nothing
   * read; a document's record is the library's registry journal, so nothing is lost.
   */
  {
    from: 2,
    run: async ({ db }) => {
      if ((await db.tableNames()).includes(RETIRED_DOCUMENTS_TABLE))
        await db.dropTable(RETIRED_DOCUMENTS_TABLE);
    },
  },
  // v4 adds `collections`: existing chunks start in no collection (null), nothing re-embedded.
  {
    from: 3,
    run: async ({ db }) => {
      if (!(await db.tableNames()).includes('chunks')) return;
      const table = await db.openTable('chunks');
      try {
        const fields = (await table.schema()).fields.map((f) => f.name);
        if (!fields.includes('collections')) await table.addColumns(collectionsField());
      } finally {
        table.close();
      }
    },
  },
];

/** The store's settings record: a file in the LanceDB folder, or an object beside a bucket's tables. */
export interface MetaFile {
  /** The text, or null when there is none yet. */
  read(): Promise<string | null>;
  /** Replaces the text whole: a reader sees the old record or the new one, never a mix. */
  write(text: string): Promise<void>;
}

/** `quire-store.json` in a LanceDB folder; written to a temp file and renamed over the old one. */
export function folderMetaFile(dir: string): MetaFile {
  const file = join(dir, META_FILE);
  return {
    async read() {
      try {
        return await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(text) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, file);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
    },
  };
}

const metaFileOf = (where: string | MetaFile) =>
  typeof where === 'string' ? folderMetaFile(where) : where;

export async function readMeta(where: string | MetaFile): Promise<StoreMeta | null> {
  const raw = await metaFileOf(where).read();
  if (raw === null) return null;
  try {
    const meta = JSON.parse(raw) as Partial<StoreMeta>;
    if (typeof meta.schemaVersion !== 'number' || typeof meta.dims !== 'number')
      throw new Error('bad meta');
    return {
      schemaVersion: meta.schemaVersion,
      dims: meta.dims,
      createdAt: meta.createdAt ?? 0,
      fts: typeof meta.fts === 'string' ? meta.fts : null,
      vectorIndex: meta.vectorIndex ?? null,
      chunksTable: typeof meta.chunksTable === 'string' ? meta.chunksTable : CHUNKS_TABLE,
      modelSwitch: meta.modelSwitch ?? null,
      switchedFrom: typeof meta.switchedFrom === 'string' ? meta.switchedFrom : null,
      embeddingModel: typeof meta.embeddingModel === 'string' ? meta.embeddingModel : null,
    };
  } catch (error) {
    throw new QuireError('table_damaged', 'The search index settings file is damaged.', {
      cause: error,
    });
  }
}

/** Never leaves a half-written record (see MetaFile.write). */
export async function writeMeta(where: string | MetaFile, meta: StoreMeta): Promise<void> {
  await metaFileOf(where).write(`${JSON.stringify(meta, null, 2)}\n`);
}

/**
 * Applies migrations one version at a time, recording progress after each step so an
 * interrupted upgrade resumes where it stopped.
 */
export async function migrate(
  ctx: MigrationContext,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): Promise<StoreMeta> {
  let meta = ctx.meta;
  if (meta.schemaVersion > target) {
    throw new QuireError(
      'internal',
      'This library was written by a newer version of Quire. Update Quire to open it.',
    );
  }
  while (meta.schemaVersion < target) {
    const step = migrations.find((m) => m.from === meta.schemaVersion);
    if (!step) {
      throw new QuireError('internal', `No upgrade path from index version ${meta.schemaVersion}.`);
    }
    await step.run({ ...ctx, meta });
    meta = { ...meta, schemaVersion: meta.schemaVersion + 1 };
    await writeMeta(ctx.metaFile, meta);
  }
  return meta;
}
