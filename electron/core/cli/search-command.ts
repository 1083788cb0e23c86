import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { SearchHit } from '../retrieval/search';
import { createQuireCore, type QuireCore } from '../quire-core';
import {
  coreOptionsFrom,
  createOutput,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';

export const SEARCH_HELP = `quire search "<query>" [-k N] [--mode hybrid|vector|text] [--collection NAME] [--rerank|--no-rerank] [--reranker-model ID] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--embedding-dtype auto|fp32|q8] [--json]
  Searches the indexed passages. Hybrid fuses vector and full-text search; --rerank reorders the
  best candidates with the local cross-encoder (default: the Settings choice). --collection
  searches only that collection (a name or an id).
quire search --queries FILE.jsonl [same options] --json
  Runs every query of a JSON Lines file ({"id": …, "text": …} a line) and prints one line per
  query: {"id", "covered", "confidence", "hits"}, where covered says whether the library seems
  to cover it (decided from the search alone). A bad line gets an error line and the rest goes
  on; the exit code is then 3.`;

type SearchMode = 'hybrid' | 'vector' | 'text';
type RunOptions = { mode: SearchMode; k: number; rerank: boolean; collections?: string[] };

/** One hit as --json prints it, alone or inside a batch line. */
function hitJson(hit: SearchHit, rank: number) {
  return {
    rank,
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
  };
}

/** A line of the queries file, or why it cannot be run. */
function parseQueryLine(
  line: string,
): { id: string | number; text: string } | { error: string; id?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'This line is not JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'This line is not a JSON object with "id" and "text".' };
  const { id, text } = value as { id?: unknown; text?: unknown };
  const goodId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  if (!goodId) return { error: 'This line has no "id" (a string or a number).', id };
  if (typeof text !== 'string' || text.trim() === '')
    return { error: 'This line has no "text" to search for.', id };
  return { id, text };
}

/** Every query of the file, one output line each, in order; 3 when any line failed. */
async function runQueries(
  core: QuireCore,
  file: string,
  options: RunOptions,
  out: CliOutput,
): Promise<number> {
  let content: string;
  try {
    content = await fs.readFile(file, 'utf8');
  } catch (error) {
    out.error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  // Coverage weighs query words by their rarity: every query should see the same statistics.
  await core.termStats();
  let failed = 0;
  let noted = false;
  const lines = content.split('\n');
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const lineNumber = index + 1;
    const parsed = parseQueryLine(raw);
    if ('error' in parsed) {
      failed++;
      const id = typeof parsed.id === 'string' || typeof parsed.id === 'number' ? parsed.id : null;
      out.line(`line ${lineNumber}: ${parsed.error}`, {
        id,
        line: lineNumber,
        error: { code: 'invalid_line', message: parsed.error },
      });
      continue;
    }
    try {
      const result = await core.retriever.search(parsed.text, { ...options, coverage: true });
      // Said once for the batch, as a single search says it.
      if (result.rerankNote && !noted) {
        noted = true;
        out.error(`Note: ${result.rerankNote}`, { note: 'rerank_off', reason: result.rerankNote });
      }
      const coverage = result.coverage!;
      const hits = result.hits.map((hit, i) => hitJson(hit, i + 1));
      const verdict = coverage.covered ? 'covered' : 'not covered';
      const best = hits[0] ? `; best: ${hits[0].title ?? '?'}` : '';
      out.line(
        `${parsed.id}: ${verdict} (${coverage.confidence.toFixed(2)}), ${hits.length} results${best}`,
        { id: parsed.id, covered: coverage.covered, confidence: coverage.confidence, hits },
      );
    } catch (error) {
      failed++;
      const message = error instanceof Error ? error.message : String(error);
      out.line(`${parsed.id}: ${message}`, {
        id: parsed.id,
        line: lineNumber,
        error: { code: 'search_failed', message },
      });
    }
  }
  return failed > 0 ? 3 : 0;
}

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
      queries: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const query = positionals.join(' ').trim();
  const k = Number(values.k);
  if (!query && !values.queries) {
    out.error('Give a query to search for, or --queries FILE.jsonl.');
    return 2;
  }
  if (query && values.queries) {
    out.error('Give a query or --queries FILE.jsonl, not both.');
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
    const options: RunOptions = { mode: values.mode as SearchMode, k, rerank, collections };
    if (values.queries) return await runQueries(core, values.queries, options, out);
    const started = performance.now();
    const result = await core.retriever.search(query, options);
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
        hitJson(hit, i + 1),
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
