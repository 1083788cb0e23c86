import type { ConversationScope } from '../../../shared/collections';
import type { Coverage } from '../../../shared/answer-checks';
import type { RerankerStatus } from '../../../shared/contract/settings';
import { QuireError } from '../../../shared/errors';
import type { RetrievalSettings } from '../../../shared/settings';
import { findLocalModel } from '../embedding/model-location';
import type { WorkerPool } from '../indexing/worker-pool';
import type { TermStats } from '../language/term-stats';
import { assessCoverage } from '../retrieval/coverage';
import { rerankerStatus, rerankOrder } from '../retrieval/reranker';
import {
  countPassages,
  search,
  type ResolveDocuments,
  type SearchHit,
  type SearchResult,
} from '../retrieval/search';
import type { LanceStore } from '../store';
import type { Retrieval } from './chat-types';

export type RetrieverSearchOptions = Partial<RetrievalSettings> & {
  k?: number;
  /** Rerank with the cross-encoder when its model is present. Off unless asked (eval, bench). */
  rerank?: boolean;
  /** Only these documents / only chunks in any of these collections (filtered inside LanceDB). */
  docIds?: readonly string[];
  collections?: readonly string[];
  /** Also decide whether the hits cover the query (see retrieval/coverage.ts). */
  coverage?: boolean;
};

/** A conversation's scope as search filters. */
export function scopeFilters(
  scope: ConversationScope | undefined,
): Pick<RetrieverSearchOptions, 'docIds' | 'collections'> {
  if (scope?.kind === 'collection') return { collections: [scope.collectionId] };
  if (scope?.kind === 'documents') return { docIds: scope.documentIds };
  return {};
}

export type RetrieverResult = SearchResult & {
  /** True when the hits are in the cross-encoder's order. */
  reranked: boolean;
  /** Why reranking was asked for but did not run, in plain words; null otherwise. */
  rerankNote: string | null;
  /** Whether the library covers the query; null unless asked for. */
  coverage: Coverage | null;
};

/** The reranker reads 3·k fused candidates and keeps its k best; more costs time for little gain. */
export function rerankCandidates(k: number): number {
  return Math.min(3 * k, Math.max(k, 60));
}

/**
 * Hybrid retrieval for chat. The query is embedded, and the candidates reranked, in an indexing
 * worker (jumping its queue), never on the coordinating thread; without a model it degrades to
 * full-text, and without a reranker model to the fused order.
 */
export function createRetriever(deps: {
  store: LanceStore;
  pool: WorkerPool;
  /** The library's model now (a switch changes it). */
  embeddingModel: () => string;
  settings: () => RetrievalSettings;
  hasModel: () => boolean;
  /** Titles and paths for the hits; the library keeps them in memory, which saves a query. */
  documentLabels: ResolveDocuments;
  /** Languages of the documents in the library (see SearchOptions.languages). */
  documentLanguages?: () => readonly string[];
  /** Folders searched for the reranker model, best first (as for the embedding model). */
  modelSearchDirs: readonly string[];
  /** Overrides the reranker model named in settings. */
  rerankerModel?: string;
  /** The library's document frequencies, for coverage; null while they are not built yet. */
  termStats?: () => Promise<TermStats | null>;
}) {
  // A model whose files exist but fail to load stays off for a while, then gets another try.
  let loadFailure: { modelId: string; message: string; at: number } | null = null;
  const RETRY_AFTER_MS = 60_000;

  function rerankerModelId(): string {
    return deps.rerankerModel ?? deps.settings().rerankerModel;
  }

  function currentRerankerStatus(): RerankerStatus {
    const modelId = rerankerModelId();
    return rerankerStatus({
      enabled: deps.settings().reranker,
      modelId,
      searchDirs: deps.modelSearchDirs,
      loadError:
        loadFailure?.modelId === modelId && Date.now() - loadFailure.at < RETRY_AFTER_MS
          ? loadFailure.message
          : null,
    });
  }

  /**
   * The query's vector and the model it came from. Across a model switch a worker may still
   * answer with the old model: a vector of another width than the table's is asked for again.
   */
  async function embedQueryWithModel(
    query: string,
  ): Promise<{ vector: Float32Array; model: string } | null> {
    if (!deps.hasModel()) return null;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const job = deps.pool.run(
          { type: 'embed', documentId: null, texts: [query], urgent: true, role: 'query' },
          undefined,
          { urgent: true },
        );
        const response = await job.promise;
        if (response.dims === deps.store.dims)
          return { vector: response.vectors, model: response.embeddingModel };
      }
      return null;
    } catch {
      return null;
    }
  }

  async function embedQuery(query: string): Promise<Float32Array | null> {
    return (await embedQueryWithModel(query))?.vector ?? null;
  }

  /** Scores the hits in a worker and returns them in the cross-encoder's order. */
  async function rerankHits(query: string, hits: SearchHit[], status: RerankerStatus) {
    const modelDir = findLocalModel(status.modelId, deps.modelSearchDirs);
    if (!modelDir) throw new QuireError('model_unavailable', status.notice ?? 'No reranker model.');
    const job = deps.pool.run(
      {
        type: 'rerank',
        modelId: status.modelId,
        modelDir,
        query,
        passages: hits.map((hit) => hit.text),
      },
      undefined,
      { urgent: true },
    );
    const { scores } = await job.promise;
    return rerankOrder(scores).map((i) => ({ ...hits[i]!, rerankScore: scores[i]! }));
  }

  async function searchWithRerank(
    query: string,
    options: RetrieverSearchOptions = {},
    onRerank: () => void = () => {},
  ): Promise<RetrieverResult> {
    const {
      rerank: wantRerank = false,
      k: requestedK,
      docIds,
      collections,
      coverage: wantCoverage = false,
      ...overrides
    } = options;
    const settings = { ...deps.settings(), ...overrides };
    const k = requestedK ?? settings.topK;
    const status = wantRerank ? currentRerankerStatus() : null;
    const rerank = status?.available === true;
    const mode = settings.mode;
    const embedded = mode === 'text' ? null : await embedQueryWithModel(query);
    const queryVector = embedded?.vector ?? null;
    const languages = deps.documentLanguages?.() ?? [];
    const result = await search(deps.store, {
      query,
      queryVector,
      k: rerank ? rerankCandidates(k) : k,
      mode,
      weights: settings.weights,
      embeddingModel: embedded?.model ?? deps.embeddingModel(),
      docIds,
      collections,
      resolveDocuments: deps.documentLabels,
      languages,
    });
    const rerankNote = status && !status.available ? status.notice : null;
    const finish = async (
      hits: SearchHit[],
      reranked: boolean,
      note: string | null,
    ): Promise<RetrieverResult> => {
      // Decided on the hits the user gets, in their order, before anything is generated.
      const coverage = wantCoverage
        ? assessCoverage({
            query,
            hits,
            reranked,
            termStats: (await deps.termStats?.()) ?? null,
            languages,
          })
        : null;
      return { ...result, hits, reranked, rerankNote: note, coverage };
    };
    if (!rerank || result.hits.length === 0)
      return finish(result.hits.slice(0, k), false, rerankNote);
    onRerank();
    try {
      const hits = await rerankHits(query, result.hits, status);
      return finish(hits.slice(0, k), true, null);
    } catch (error) {
      // The search still answers, in the fused order; the status says why reranking is off.
      const reason = error instanceof Error ? error.message : String(error);
      if (!(error instanceof QuireError && error.code === 'cancelled'))
        loadFailure = { modelId: status.modelId, message: reason, at: Date.now() };
      return finish(result.hits.slice(0, k), false, reason);
    }
  }

  return {
    passageCount: (scope?: ConversationScope) => countPassages(deps.store, scopeFilters(scope)),
    embedQuery,
    rerankerStatus: currentRerankerStatus,
    search: searchWithRerank,
    /** Chat's retrieval: reranks when settings say so; `onStep('rerank')` fires as it starts. */
    async retrieve(
      query: string,
      onStep: (step: 'rerank') => void = () => {},
      scope?: ConversationScope,
    ): Promise<Retrieval> {
      const result = await searchWithRerank(
        query,
        { rerank: deps.settings().reranker, coverage: true, ...scopeFilters(scope) },
        () => onStep('rerank'),
      );
      return {
        searched: 0,
        reranked: result.reranked,
        ...(result.coverage ? { coverage: result.coverage } : {}),
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
          rerankScore: hit.rerankScore,
          ...(hit.ocr ? { ocr: true } : {}),
          text: hit.text,
        })),
      };
    },
  };
}
