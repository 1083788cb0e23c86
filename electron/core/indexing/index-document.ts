import { QuireError, toErrorShape } from '../../../shared/errors';
import type { OcrPage } from '../../../shared/ocr-words';
import { openDocument } from '../parsers';
import { withEmbedPrefix } from '../embedding/model-prefixes';
import { detectLanguage } from '../language/detect-language';
import { searchText } from '../language/search-text';
import { writeOcrPages } from './ocr-cache';
import { chunkSections, type TokenCounter } from './chunker';
import type { EmbedBatcher } from './embed-batcher';
import type {
  IndexedChunk,
  IndexingWorkerConfig,
  IndexRequest,
  IndexResponse,
  WorkerProgress,
} from './worker-protocol';

export type IndexDeps = {
  config: IndexingWorkerConfig;
  counter: TokenCounter;
  /** Null when no embedding model could be loaded: chunks are stored for full-text search. */
  batcher: EmbedBatcher | null;
  batcherError: QuireError | null;
  progress: (progress: WorkerProgress) => void;
  signal: AbortSignal;
};

/** Parse → chunk → embed one document, inside a worker. Pages stream through; nothing waits for the whole file. */
export async function indexDocument(
  request: IndexRequest,
  deps: IndexDeps,
): Promise<IndexResponse> {
  // The batcher may hold a batch a moment for this document's chunks.
  const handedIn = deps.batcher?.expect() ?? (() => {});
  try {
    return await parseChunkEmbed(request, deps, handedIn);
  } finally {
    handedIn();
  }
}

async function parseChunkEmbed(
  request: IndexRequest,
  deps: IndexDeps,
  handedIn: () => void,
): Promise<IndexResponse> {
  const { config, signal } = deps;
  let pageTotal = 0;
  const ocrEnabled = config.ocr?.enabled ?? false;
  const opened = await openDocument(request.path, {
    password: request.password,
    maxBytes: config.maxBytes,
    signal,
    ocr: {
      enabled: ocrEnabled,
      onPage: (page, pages) =>
        deps.progress({
          stage: 'parsing',
          done: page - 1,
          total: pages,
          label: `Reading text from page ${page} of ${pages} (OCR)`,
        }),
    },
  });
  pageTotal = opened.meta.pageCount ?? 0;
  const ocrPages: OcrPage[] = [];
  let pagesDone = 0;
  let lastPage: number | null = null;
  deps.progress({ stage: 'parsing', done: 0, total: pageTotal });

  async function* countedSections() {
    for await (const section of opened.sections) {
      if (section.ocr) ocrPages.push(section.ocr);
      if (section.page !== null && section.page !== lastPage) {
        lastPage = section.page;
        pagesDone = section.page;
        deps.progress({ stage: 'parsing', done: Math.min(pagesDone, pageTotal), total: pageTotal });
      }
      yield section;
    }
  }

  const chunks: IndexedChunk[] = [];
  let tokens = 0;
  try {
    for await (const chunk of chunkSections(countedSections(), deps.counter, {
      maxTokens: config.maxTokens,
      overlapTokens: config.overlapTokens,
    })) {
      chunks.push(chunk);
      tokens += chunk.tokens;
    }
  } finally {
    await opened.close();
  }
  if (signal.aborted) throw new QuireError('cancelled', 'Indexing was cancelled.');
  // Written (or cleared) on every index, so the viewer never shows boxes of an older version.
  if (config.ocr?.cacheDir) await writeOcrPages(config.ocr.cacheDir, request.documentId, ocrPages);
  if (chunks.length === 0) {
    throw new QuireError('empty_file', 'This document contains no text to index.');
  }
  // One language per document, from its opening text; every passage is indexed in it.
  let sample = '';
  for (const c of chunks) {
    if (sample.length >= 20_000) break;
    sample += `${c.text}\n`;
  }
  const language = detectLanguage(sample);
  for (const c of chunks) c.ftsText = searchText(c.text, language);
  deps.progress({ stage: 'chunking', done: chunks.length, total: chunks.length });

  let vectors: Float32Array | null = null;
  let vectorsError = deps.batcherError ? toErrorShape(deps.batcherError) : null;
  if (deps.batcher) {
    deps.progress({ stage: 'embedding', done: 0, total: chunks.length });
    try {
      const embedding = deps.batcher.embed(
        withEmbedPrefix(
          deps.batcher.modelId,
          'passage',
          chunks.map((c) => c.text),
        ),
        {
          onBatch: (done) => deps.progress({ stage: 'embedding', done, total: chunks.length }),
          tokenCounts: chunks.map((c) => c.tokens),
        },
      );
      handedIn();
      vectors = await embedding;
    } catch (error) {
      vectorsError = toErrorShape(error);
      vectors = null;
    }
  }
  if (signal.aborted) throw new QuireError('cancelled', 'Indexing was cancelled.');
  return {
    type: 'indexed',
    kind: opened.meta.kind,
    pages: opened.meta.pageCount,
    title: opened.meta.title,
    chunks,
    vectors,
    dims: deps.batcher?.dims ?? 0,
    embeddingModel: vectors ? (deps.batcher?.modelId ?? null) : null,
    vectorsError,
    warnings: opened.meta.warnings,
    tokens,
    language,
    ...(opened.contentHash ? { contentHash: opened.contentHash } : {}),
    ...(ocrPages.length > 0 ? { ocrPages: ocrPages.map((p) => p.page ?? 0) } : {}),
  };
}
