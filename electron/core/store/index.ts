// The store's public surface; retrieval and the library import from here.
export { openStore, type StoreOptions } from './open-store';
export type {
  LanceStore,
  Store,
  StoreSettings,
  DocumentChunkSet,
  ReplaceOptions,
  WriteResult,
} from './store';
export type { ChunkInput, StoredChunk } from './schema';
export { SCHEMA_VERSION } from './schema';
export type { MaintenancePolicy, OptimizeReport, TableHealth } from './maintenance';
export type { FtsSettings } from './fts-index';
export type { AnnQuery, VectorIndexPolicy } from './vector-index';
