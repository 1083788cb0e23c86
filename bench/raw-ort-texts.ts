// SciFact abstracts, tokenized with MiniLM's real tokenizer, for the embedding throughput benches.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINILM_TOKENIZER_DIR } from '../scripts/make-test-models';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCIFACT_CORPUS = resolve(REPO_ROOT, '../shared/eval/scifact-dev/corpus.jsonl');
export const BENCH_MODELS_DIR = resolve(REPO_ROOT, '.test-models');
export const MAX_SEQUENCE_LENGTH = 256;
const SEP_ID = 102;

export type Machine = {
  cpuModel: string;
  cpus: number;
  totalMemGiB: number;
  node: string;
  /** Other work on the machine skews every number here; this says how much there was. */
  loadAvg1m: number;
};

export function machine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAvg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** The first `count` abstracts of SciFact, in corpus order. */
export async function scifactAbstracts(count: number): Promise<string[]> {
  const lines = (await readFile(SCIFACT_CORPUS, 'utf8')).split('\n').filter((line) => line.trim());
  return lines.slice(0, count).map((line) => (JSON.parse(line) as { text: string }).text);
}

type Tokenizer = { encode(text: string): number[] };

/** Token ids with [CLS]/[SEP], truncated as the embedder truncates: at 256, keeping [SEP] last. */
export async function tokenizeAbstracts(
  texts: string[],
  maxLength = MAX_SEQUENCE_LENGTH,
): Promise<number[][]> {
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = resolve(MINILM_TOKENIZER_DIR, '../..');
  const tokenizer = (await AutoTokenizer.from_pretrained('Xenova/all-MiniLM-L6-v2', {
    local_files_only: true,
  })) as unknown as Tokenizer;
  return texts.map((text) => {
    const ids = tokenizer.encode(text);
    return ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), SEP_ID];
  });
}

/** Real (non-pad) tokens: the unit every throughput number here is counted in. */
export function realTokens(ids: number[][]): number {
  return ids.reduce((sum, row) => sum + row.length, 0);
}

export type Timing = { wallSeconds: number; cpuSeconds: number };

/**
 * Runs `run` `passes` times and keeps the best wall time and the least CPU time. Other work on
 * the machine only slows a pass, so the best is the fairest; CPU time (this process, all its
 * threads) barely moves with other load, which makes tokens per CPU-second comparable between
 * a busy machine and a quiet one at one thread.
 */
export async function timeBest(passes: number, run: () => Promise<unknown>): Promise<Timing> {
  let wallSeconds = Infinity;
  let cpuSeconds = Infinity;
  for (let pass = 0; pass < Math.max(1, passes); pass++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await run();
    wallSeconds = Math.min(wallSeconds, (performance.now() - started) / 1000);
    const used = process.cpuUsage(cpu);
    cpuSeconds = Math.min(cpuSeconds, (used.user + used.system) / 1e6);
  }
  return { wallSeconds, cpuSeconds };
}
