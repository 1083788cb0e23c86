import type { RetrievalSettings } from '../../../shared/settings';
import type { WorkerPool } from '../indexing/worker-pool';
import type { EmbedResponse } from '../indexing/worker-protocol';
import { search } from '../retrieval/search';
import type { LanceStore } from '../store/store';
import type { Retrieval } from './chat-service';

/**
 * Hybrid retrieval for chat. The query is embedded in an indexing worker (jumping its
 * queue), never on the coordinating thread; without a model it degrades to full-text.
 */
export function createRetriever(deps: {
  store: LanceStore;
  pool: WorkerPool;
  embeddingModel: string;
  settings: () => RetrievalSettings;
  hasModel: () => boolean;
}) {
  async function embedQuery(query: string): Promise<Float32Array | null> {
    if (!deps.hasModel()) return null;
    try {
      const job = deps.pool.run(
        { type: 'embed', documentId: null, texts: [query], urgent: true },
        undefined,
        { urgent: true },
      );
      return ((await job.promise) as EmbedResponse).vectors;
    } catch {
      return null;
    }
  }

  return {
    passageCount: () => deps.store.countChunks(),
    embedQuery,
    async search(query: string, overrides: Partial<RetrievalSettings> & { k?: number } = {}) {
      const settings = { ...deps.settings(), ...overrides };
      const mode = settings.mode;
      const queryVector = mode === 'text' ? null : await embedQuery(query);
      return search(deps.store, {
        query,
        queryVector,
        k: overrides.k ?? settings.topK,
        mode,
        weights: settings.weights,
        embeddingModel: deps.embeddingModel,
      });
    },
    async retrieve(query: string): Promise<Retrieval> {
      const result = await this.search(query);
      return {
        searched: 0,
        reranked: false,
        passages: result.hits.map((hit) => ({
          chunkId: hit.chunkId,
          documentId: hit.docId,
          title: hit.title ?? 'Untitled document',
          path: hit.path ?? '',
          pageStart: hit.pageStart,
          pageEnd: hit.pageEnd,
          charStart: hit.charStart,
          charEnd: hit.charEnd,
          headingPath: hit.headingPath,
          snippet: '',
          score: hit.score,
          text: hit.text,
        })),
      };
    },
  };
}
