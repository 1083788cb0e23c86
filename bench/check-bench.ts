// npm run bench:check — how well and how fast answers are checked, on SciFact's TRAIN claims.
// Prints JSON: the rate flagged in each set, layer 1's time per 10-sentence answer, layer 2's time
// per sentence with the generated NLI model, and abstention with gold abstracts absent and present.
import { parseArgs } from 'node:util';
import type { SentenceCheck } from '../shared/answer-checks';
import { checkAnswer, checkClaim } from '../electron/core/checking/answer-checker';
import { TermStats } from '../electron/core/language/term-stats';
import { buildCheckSets, loadClaims, loadCorpus, seeded, type CheckCase } from './check-sets';
import { machine } from './raw-ort-texts';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    'skip-model': { type: 'boolean', default: false },
    'skip-abstention': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
}
const pct = (n: number, d: number) => (d === 0 ? null : Math.round((1000 * n) / d) / 10);

async function layerOneRates(cases: CheckCase[], stats: TermStats) {
  const bySet = new Map<
    string,
    { n: number; flagged: number; unsupported: number; partly: number }
  >();
  const samples: Array<{ set: string; sentence: string; check: SentenceCheck | null }> = [];
  for (const c of cases) {
    const check = await checkClaim(c.sentence, c.passages, { stats });
    const row = bySet.get(c.set) ?? { n: 0, flagged: 0, unsupported: 0, partly: 0 };
    row.n++;
    if (check && check.verdict !== 'supported') row.flagged++;
    if (check?.verdict === 'unsupported') row.unsupported++;
    if (check?.verdict === 'partly') row.partly++;
    bySet.set(c.set, row);
    if (values.verbose) samples.push({ set: c.set, sentence: c.sentence, check });
  }
  if (values.verbose)
    for (const s of samples
      .filter(
        (x) =>
          (x.set === 'true' && x.check?.verdict !== 'supported') ||
          (x.set === 'numberChanged' && x.check?.verdict === 'supported'),
      )
      .slice(0, 400))
      console.error(`[${s.set} ${s.check?.verdict}] ${s.sentence} — ${s.check?.note}`);
  return Object.fromEntries(
    [...bySet].map(([set, r]) => [
      set,
      {
        sentences: r.n,
        flaggedPct: pct(r.flagged, r.n),
        unsupportedPct: pct(r.unsupported, r.n),
        partlyPct: pct(r.partly, r.n),
      },
    ]),
  );
}

/** Answers of ten cited sentences over two sources, timed whole (passage preparation included). */
async function layerOneTiming(cases: CheckCase[], stats: TermStats) {
  const trues = cases.filter((c) => c.set === 'true' || c.set === 'numberChanged');
  const random = seeded(11);
  const times: number[] = [];
  for (let run = 0; run < 200; run++) {
    const picked = Array.from({ length: 10 }, () => trues[Math.floor(random() * trues.length)]!);
    const sources = [picked[0]!.passages[0]!, picked[1]!.passages[0]!].map((text, i) => ({
      n: i + 1,
      text,
    }));
    const text = picked
      .map((c, i) => `${c.sentence.replace(/\.$/, '')} [${(i % 2) + 1}].`)
      .join(' ');
    const started = performance.now();
    await checkAnswer(text, { sources, stats });
    times.push(performance.now() - started);
  }
  return {
    answers: times.length,
    sentencesPerAnswer: 10,
    medianMs: round(median(times)),
    p95Ms: round(times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)]!),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const corpus = loadCorpus();
  let claims = loadClaims();
  if (values.limit) claims = claims.slice(0, Number(values.limit));
  const statsStarted = performance.now();
  const stats = TermStats.fromTexts(corpus.map((d) => d.text));
  const statsMs = Math.round(performance.now() - statsStarted);
  const cases = buildCheckSets(corpus, claims, stats);
  const rates = await layerOneRates(cases, stats);
  const timing = await layerOneTiming(cases, stats);
  const report: Record<string, unknown> = {
    machine: machine(),
    data: { abstracts: corpus.length, trainClaims: claims.length, termStatsBuildMs: statsMs },
    layer1: { rates, timing },
  };
  const modelFigures = values['skip-model']
    ? null
    : await import('./check-bench-model')
        .then((m) => m.layerTwo(cases, stats))
        .catch((e: unknown) => ({ error: String(e) }));
  if (modelFigures) report.layer2 = modelFigures;
  const abstention = values['skip-abstention']
    ? null
    : await import('./check-bench-abstention')
        .then((m) => m.abstention())
        .catch((e: unknown) => ({ error: String(e) }));
  if (abstention) report.abstention = abstention;
  console.log(JSON.stringify(report, null, 2));
}

void main();
