import { parseArgs } from 'node:util';
import { createQuireCore } from '../quire-core';
import { coreOptionsFrom, createOutput, resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const SEARCH_HELP = `quire search "<query>" [-k N] [--mode hybrid|vector|text] [--collection NAME] [--rerank|--no-rerank] [--reranker-model ID] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--json]
  Searches the indexed passages. Hybrid fuses vector and full-text search; --rerank reorders the
  best candidates with the local cross-encoder (default: the Settings choice). --collection
  searches only that collection (a name or an id).`;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      k: { type: 'string', short: 'k', default: '10' },
      mode: { type: 'string', default: 'hybrid' },
      rerank: { type: 'boolean' },
      'no-rerank': { type: 'boolean' },
      'reranker-model': { type: 'string' },
      collection: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const query = positionals.join(' ').trim();
  const k = Number(values.k);
  if (!query) {
    out.error('Give a query to search for.');
    return 2;
  }
  if (
    !['hybrid', 'vector', 'text'].includes(values.mode) ||
    !Number.isInteger(k) ||
    k < 1 ||
    k > 1000
  ) {
    out.error('--mode is hybrid, vector or text, and -k a whole number from 1 to 1000.');
    return 2;
  }
  if (values.rerank && values['no-rerank']) {
    out.error('Give --rerank or --no-rerank, not both.');
    return 2;
  }
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    ...(values['reranker-model'] ? { rerankerModel: values['reranker-model'] } : {}),
    dataDir: resolveDataDir(values.data),
    startIndexing: false,
    readOnly: true,
  });
  try {
    let collections: string[] | undefined;
    try {
      if (values.collection) collections = [core.collections.resolve(values.collection).id];
    } catch (error) {
      out.error(error instanceof Error ? error.message : String(error));
      return 2;
    }
    const rerank = values.rerank
      ? true
      : values['no-rerank']
        ? false
        : core.settings.get().retrieval.reranker;
    const started = performance.now();
    const result = await core.retriever.search(query, {
      mode: values.mode as 'hybrid' | 'vector' | 'text',
      k,
      rerank,
      collections,
    });
    const ms = Math.round(performance.now() - started);
    if (result.rerankNote)
      out.error(`Note: ${result.rerankNote}`, { note: 'rerank_off', reason: result.rerankNote });
    // Without vectors every mode is answered by full-text search; say so once, and report that.
    const usedMode = result.degraded === 'no_vectors' ? 'text' : result.mode;
    if (result.degraded === 'no_vectors')
      out.error(
        `Note: ${values.mode} search needs an embedding model and vectors, which are not there yet, so these are full-text results.`,
        { note: 'degraded', reason: 'no_vectors', requested: result.mode },
      );
    result.hits.forEach((hit, i) => {
      const page = hit.pageStart ? ` p.${hit.pageStart}` : '';
      const scores =
        hit.rerankScore === null
          ? hit.score.toFixed(4)
          : `rerank ${hit.rerankScore.toFixed(3)}, fused ${hit.score.toFixed(4)}`;
      const snippet = hit.text.replace(/\s+/g, ' ').slice(0, 160);
      out.line(
        `${String(i + 1).padStart(2)}. ${hit.title ?? '?'}${page}  (${scores})\n    ${snippet}`,
        {
          rank: i + 1,
          chunkId: hit.chunkId,
          documentId: hit.docId,
          title: hit.title,
          path: hit.path,
          pageStart: hit.pageStart,
          pageEnd: hit.pageEnd,
          charStart: hit.charStart,
          charEnd: hit.charEnd,
          headingPath: hit.headingPath,
          score: hit.score,
          rerankScore: hit.rerankScore,
          ranks: hit.ranks,
          text: hit.text,
        },
      );
    });
    const how = result.reranked ? `${usedMode}, reranked` : usedMode;
    out.line(`${result.hits.length} results (${how}) in ${ms} ms`, {
      summary: { results: result.hits.length, mode: usedMode, reranked: result.reranked, ms },
    });
    return 0;
  } finally {
    await core.close();
  }
}
