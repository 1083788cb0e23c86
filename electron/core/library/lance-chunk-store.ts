import path from 'node:path';
import { openStore, readStoreMeta, type LanceStore, type StoreOptions } from '../store';
import type { ModelSwitchStore } from './model-switch';
import type { ChunkStorePort, DocumentChunks } from './chunk-store-port';

export type LanceChunkStore = ChunkStorePort & { readonly lance: LanceStore };

export const lanceDir = (dataDir: string) => path.join(dataDir, 'lancedb');

/** Where the store is: a LanceDB folder, or a bucket's URI with how to reach it. */
export type StorePlace = Pick<StoreOptions, 'dir' | 'bucket' | 'writeGuard'>;

/** The model the library's vectors come from, as the store last recorded it (null if none). */
export async function libraryEmbeddingModel(place: StorePlace): Promise<string | null> {
  return (await readStoreMeta(place.bucket?.metaFile ?? place.dir))?.embeddingModel ?? null;
}

/** The switch's view of the store: the new table beside the one search reads. */
export function modelSwitchStore(store: LanceChunkStore): ModelSwitchStore {
  const { lance } = store;
  return {
    get modelSwitch() {
      return lance.modelSwitch;
    },
    beginModelSwitch: (target) => lance.beginModelSwitch(target),
    setModelSwitchPaused: (paused) => lance.setModelSwitchPaused(paused),
    cancelModelSwitch: () => lance.cancelModelSwitch(),
    modelSwitchBacklog: () => lance.modelSwitchBacklog(),
    stageVectors: (batch) => lance.stageVectors(batch),
    completeModelSwitch: () => lance.completeModelSwitch(),
    chunkTexts: (docId) => store.chunkTexts(docId),
  };
}

/** The library's chunk store on LanceDB: `<library>/lancedb`, or in a bucket. */
export async function openLanceChunkStore(options: {
  place: StorePlace;
  dims: number;
  embeddingModel?: string;
  readOnly?: boolean;
}): Promise<LanceChunkStore> {
  // The app must start with a damaged table, to report it and offer the rebuild.
  const lance = await openStore({
    ...options.place,
    dims: options.dims,
    embeddingModel: options.embeddingModel,
    readOnly: options.readOnly,
    onDamagedTable: 'set-aside',
  });
  return {
    lance,
    async writeDocuments(batch: DocumentChunks[]) {
      await lance.writeDocuments(
        batch.map((d) => ({
          docId: d.documentId,
          chunks: d.chunks,
          vectors: d.vectors,
          embeddingModel: d.embeddingModel,
          collections: d.collections?.() ?? [],
        })),
      );
    },
    async setVectors(batch) {
      await lance.setVectorsMany(
        batch.map((d) => ({ docId: d.documentId, modelId: d.embeddingModel, vectors: d.vectors })),
      );
    },
    deleteDocument: (documentId) => lance.deleteDocument(documentId),
    setCollections: (memberships) => lance.setCollections(memberships),
    collectionsByDocument: () => lance.collectionsByDocument(),
    async chunkTexts(documentId) {
      return (await lance.getChunks(documentId)).map((c) => c.text);
    },
    countChunks: (documentId) => lance.countChunks(documentId),
    async maybeOptimize(force = false) {
      await lance.maybeOptimize({ force });
    },
    async fragments() {
      return (await lance.fragments()).chunks;
    },
    async checkHealth() {
      const tables = await lance.checkHealth();
      return tables.map((t) =>
        lance.setAside.includes(t.table)
          ? { ...t, ok: false, error: 'could not be opened; set aside and recreated empty' }
          : t,
      );
    },
    rebuild: () => lance.rebuild(),
    close: () => lance.close(),
  };
}
