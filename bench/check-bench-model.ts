// Layer 2 of bench:check: the NLI cross-encoder through the real worker pool, with the generated
// test model (word overlap, no transformer layers): the figures are Quire's own cost per sentence.
import { resolve } from 'node:path';
import { RetrievalSettingsSchema } from '../shared/settings';
import { checkClaim } from '../electron/core/checking/answer-checker';
import { createEntailmentChecker } from '../electron/core/checking/entailment';
import { WorkerPool } from '../electron/core/indexing/worker-pool';
import type { TermStats } from '../electron/core/language/term-stats';
import { BOW_MODEL_ID, BOW_NLI_MODEL_ID, makeTestModels } from '../scripts/make-test-models';
import type { CheckCase } from './check-sets';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number) => Math.round(x * 100) / 100;

export async function layerTwo(cases: CheckCase[], stats: TermStats) {
  const { modelsDir } = await makeTestModels(resolve('.test-models'));
  const pool = new WorkerPool({
    size: 1,
    config: {
      embeddingModel: BOW_MODEL_ID,
      modelDir: null,
      backend: 'native',
      threads: 1,
      batchSize: 8,
      maxTokens: 256,
      overlapTokens: 32,
      maxBytes: 1_000_000,
    },
  });
  try {
    const settings = RetrievalSettingsSchema.parse({ entailmentModel: BOW_NLI_MODEL_ID });
    const entailment = createEntailmentChecker({
      pool,
      settings: () => settings,
      modelSearchDirs: [modelsDir],
    });
    // The first call starts the worker and loads the model; it is reported, not counted.
    const warm = performance.now();
    await entailment.score([{ premise: 'warm up', hypothesis: 'warm up' }]);
    const loadMs = performance.now() - warm;
    const sample = cases.filter((_, i) => i % 4 === 0).slice(0, 300);
    const perSentence: number[] = [];
    const flagged = new Map<string, { n: number; flagged: number }>();
    for (const c of sample) {
      const started = performance.now();
      const pair = await entailment.score(
        c.passages.map((premise) => ({ premise, hypothesis: c.sentence })),
      );
      perSentence.push(performance.now() - started);
      if (!pair) throw new Error('The generated NLI model did not run.');
      const check = await checkClaim(c.sentence, c.passages, { stats, entailment });
      const row = flagged.get(c.set) ?? { n: 0, flagged: 0 };
      row.n++;
      if (check && check.verdict !== 'supported') row.flagged++;
      flagged.set(c.set, row);
    }
    return {
      model: BOW_NLI_MODEL_ID,
      note: 'A generated word-overlap classifier: the time is the pool and tokenizer cost per sentence, and the rates show the two layers combined, not a real NLI model.',
      firstCallMs: Math.round(loadMs),
      sentences: perSentence.length,
      medianMsPerSentence: round(median(perSentence)),
      combinedFlaggedPct: Object.fromEntries(
        [...flagged].map(([set, r]) => [set, Math.round((1000 * r.flagged) / r.n) / 10]),
      ),
    };
  } finally {
    await pool.close();
  }
}
