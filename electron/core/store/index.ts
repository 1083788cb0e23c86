// The store's public surface; retrieval and the library import from here.
export { openStore, type StoreOptions } from './open-store';
export { readMeta as readStoreMeta, type MetaFile } from './meta';
export type {
  LanceStore,
  Store,
  StoreSettings,
  DocumentChunkSet,
  ReplaceOptions,
  WriteResult,
} from './store';
export type { ChunkInput, StoredChunk } from './schema';
export { SCHEMA_VERSION, CHUNK_COLUMNS, collectionsFilter, rowToChunk, sqlString } from './schema';
export { guard, toStoreError, TABLE_DAMAGED_MESSAGE } from './store-errors';
export { FTS_COLUMN } from './fts-index';
export { scanTermStats } from './term-scan';
export type { MaintenancePolicy, OptimizeReport, TableHealth } from './maintenance';
export type { FtsSettings } from './fts-index';
export type { AnnQuery, VectorIndexPolicy } from './vector-index';
