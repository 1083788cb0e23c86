import path from 'node:path';
import { openStore, type LanceStore } from '../store';
import type { ChunkStorePort, DocumentChunks } from './chunk-store-port';

export type LanceChunkStore = ChunkStorePort & { readonly lance: LanceStore };

/** The library's chunk store on LanceDB in `<dataDir>/lancedb`. */
export async function openLanceChunkStore(options: {
  dataDir: string;
  dims: number;
}): Promise<LanceChunkStore> {
  // The app must start with a damaged table, to report it and offer the rebuild.
  const lance = await openStore({
    dir: path.join(options.dataDir, 'lancedb'),
    dims: options.dims,
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
