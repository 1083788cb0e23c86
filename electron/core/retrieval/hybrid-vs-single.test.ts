// Hybrid search against both single modes, indexed for real with the bag-of-word-pieces model.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { QuireCore } from '../quire-core';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { evaluateRun, ndcgAt, type Qrels, type Run } from './beir-eval';
import type { SearchMode } from './search';

/**
 * Two kinds of question, where each single mode fails the other kind:
 * - a device named in another form than the document's ("zentrofluxor" vs "zentrofluxing"):
 *   stemming does not join them, so full text finds nothing, but they share most word-pieces;
 * - an exact rare code ("QX9") beside common words that a dozen other passages repeat: BM25
 *   weighs the rare code, while the averaged word-pieces drown it among the common words.
 */
const DOCS: Record<string, string> = {
  'jargon-flux': 'The zentrofluxing stage warms each sample slowly before it is measured.',
  'jargon-weave': 'Our kryptoweaving loom threads coloured fibres in a tight spiral.',
  'jargon-gear': 'Velocimorphing shifts the ratio by itself as the load on the axle grows.',
  'code-qx9': 'Order form QX9 lists every part with its price.',
  'code-4417': 'Part 4417 ships in a padded box with two screws.',
  'code-m31': 'Shelf M31 holds the boxes from the old office.',
};
const FAMILIES: Record<string, string[]> = {
  sensor: [
    'Sensor calibration is done before each run, since drift skews the readings of a sensor.',
    'After transport a sensor needs calibration; repeat it if the unit was dropped on the floor.',
    'Log each calibration in the book, with the sensor serial and the result of the check.',
    'Calibration weights for the load sensor sit in the top drawer of the bench.',
  ],
  valve: [
    'Check the valve pressure daily, because a valve under high load can start to leak.',
    'Release the pressure before opening a valve; seals fail when the flow spikes.',
    'Record the valve pressure at the start and end of every shift in the log.',
    'A gauge on each valve shows whether the pressure stays in the safe range.',
  ],
  shelf: [
    'The archive shelf near the door holds letters from the first years of the firm.',
    'Archive boxes on the top shelf are labelled by year and by department.',
    'Move the archive boxes to a lower shelf when the upper one starts to sag.',
    'A list on the wall says which archive box sits on which shelf in the room.',
  ],
  general: [
    'The team tidies the lab on Fridays and plans the work for the next week.',
    'A boiler in the basement warms the water for the whole building in winter.',
    'The loom room is quiet in the evening, and the lights go off at nine.',
  ],
};
// Three near-copies of each: a dozen passages share the common words of each code question.
for (const [family, texts] of Object.entries(FAMILIES)) {
  texts.forEach((text, i) => {
    for (const copy of [1, 2, 3]) DOCS[`${family}-${i}-${copy}`] = `${text} (copy ${copy})`;
  });
}

const QUERIES: Record<string, { text: string; relevant: string }> = {
  flux: { text: 'zentrofluxor settings', relevant: 'jargon-flux' },
  weave: { text: 'kryptoweavor spiral', relevant: 'jargon-weave' },
  gear: { text: 'velocimorphor', relevant: 'jargon-gear' },
  qx9: { text: 'QX9 sensor calibration', relevant: 'code-qx9' },
  '4417': { text: '4417 valve pressure', relevant: 'code-4417' },
  m31: { text: 'M31 archive shelf', relevant: 'code-m31' },
};
const QRELS: Qrels = new Map(
  Object.entries(QUERIES).map(([id, q]) => [id, new Map([[q.relevant, 1]])]),
);

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  core = await makeTestCore(path.join(dir, 'data'));
  const docs = path.join(dir, 'docs');
  fs.mkdirSync(docs);
  const files = Object.entries(DOCS).map(([id, text]) => {
    const file = path.join(docs, `${id}.txt`);
    fs.writeFileSync(file, `${text}\n`);
    return file;
  });
  await core.library.add(files);
  await core.library.whenIdle();
}, 120_000);
afterAll(async () => {
  await core?.close();
  await remove?.();
});

async function runFor(mode: SearchMode): Promise<Run> {
  const run: Run = new Map();
  for (const [id, query] of Object.entries(QUERIES)) {
    const result = await core.retriever.search(query.text, { mode, k: 10 });
    expect(result.mode).toBe(mode); // a real vector search, not a full-text fallback
    run.set(
      id,
      result.hits.map((hit) => path.basename(hit.title ?? '', '.txt')),
    );
  }
  return run;
}

it('hybrid beats or equals both single modes in nDCG@10 where lexical and semantic matches differ', async () => {
  const chunks = core.library.snapshot().totals.chunks;
  expect(chunks).toBe(Object.keys(DOCS).length);
  const runs = {
    vector: await runFor('vector'),
    text: await runFor('text'),
    hybrid: await runFor('hybrid'),
  };
  const perQuery = Object.fromEntries(
    Object.keys(QUERIES).map((id) => [
      id,
      Object.fromEntries(
        Object.entries(runs).map(([mode, run]) => [
          mode,
          Number(ndcgAt(run.get(id)!, QRELS.get(id)!, 10).toFixed(3)),
        ]),
      ),
    ]),
  );
  const ndcg = {
    vector: evaluateRun(runs.vector, QRELS).ndcg,
    text: evaluateRun(runs.text, QRELS).ndcg,
    hybrid: evaluateRun(runs.hybrid, QRELS).ndcg,
  };

  // The single modes really disagree: each wins some query the other loses.
  const ids = Object.keys(QUERIES);
  expect(ids.some((id) => perQuery[id]!.vector! > perQuery[id]!.text!)).toBe(true);
  expect(ids.some((id) => perQuery[id]!.text! > perQuery[id]!.vector!)).toBe(true);
  expect(ndcg.hybrid).toBeGreaterThanOrEqual(Math.max(ndcg.vector, ndcg.text));
});
