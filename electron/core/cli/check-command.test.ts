// `quire check` judges sentence/passages pairs from a JSON Lines file, one result per line.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { BOW_MODEL, makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { checkCommand } from './check-command';

const RESERVOIR =
  'The Meridian reservoir holds 4,200 cubic metres of water. ' +
  'It was built in 1987 by the engineer Halvard Okonkwo. Its dam is 38 metres high.';
const ORCHARD = 'The orchard has 140 apple trees and a cider press from 1932.';

let dir = '';
let remove: () => Promise<void> = async () => {};
beforeAll(async () => ({ dir, remove } = await makeTempDir('quire-check-')));
afterAll(() => remove());

async function check(lines: string[], ...flags: string[]) {
  return checkIn(path.join(dir, 'data'), lines, ...flags);
}

async function checkIn(data: string, lines: string[], ...flags: string[]) {
  const file = path.join(dir, `claims-${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await checkCommand([file, '--data', data, ...flags]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const line = (value: unknown) => JSON.stringify(value);

it('judges each line in input order; a wrong number is flagged, bad lines get errors', async () => {
  const result = await check(
    [
      line({
        id: 'a',
        sentence: 'The reservoir holds 4,200 cubic metres [1].',
        passages: [RESERVOIR, ORCHARD],
      }),
      line({
        id: 'b',
        sentence: 'It was built in 1991 by Halvard Okonkwo.',
        passages: [RESERVOIR],
      }),
      'this is not JSON',
      line({ id: 'd', sentence: 'The orchard has 140 apple trees.' }),
      '',
      line({
        id: 5,
        sentence: 'The orchard has 140 apple trees [2].',
        passages: [RESERVOIR, ORCHARD],
      }),
    ],
    '--json',
  );
  expect(result.code).toBe(3);
  const rows = result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.map((r) => r.id)).toEqual(['a', 'b', null, 'd', 5]);

  const [a, b, notJson, noPassages, e] = rows as [
    { verdict: string; evidence: { n: number; start: number; end: number }[] },
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  expect(a).toMatchObject({ verdict: 'supported', missing: [], note: '' });
  expect(a).not.toHaveProperty('entailment');
  // Evidence offsets point into the passage's own text.
  const span = a.evidence[0]!;
  expect(span.n).toBe(1);
  expect(RESERVOIR.slice(span.start, span.end)).toContain('4,200 cubic metres');

  expect(b).toMatchObject({
    verdict: 'partly',
    missing: [{ text: '1991', sources: [1] }],
    note: '1991 is not in source 1',
  });
  expect(notJson).toMatchObject({ id: null, line: 3, error: { code: 'invalid_json' } });
  expect(noPassages).toMatchObject({
    id: 'd',
    line: 4,
    error: { code: 'invalid_line', message: 'no "passages"' },
  });
  // The lines after the bad ones are still judged.
  expect(e).toMatchObject({ id: 5, verdict: 'supported' });
  // The model note goes to stderr, never among the results.
  expect(result.stderr).toContain('entailment_off');
}, 60_000);

it('prints a readable line per id without --json, and exits 0 when every line was judged', async () => {
  const result = await check([
    line({ id: 'built', sentence: 'It was built in 1991 [1].', passages: [RESERVOIR] }),
    line({ id: 'dam', sentence: 'Its dam is 38 metres high [1].', passages: [RESERVOIR] }),
  ]);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('built: partly — 1991 is not in source 1\ndam: supported\n');
  expect(result.stderr).toContain('2 checked, 1 not backed by their passages');
}, 60_000);

it("words common in the library in --data are not rare, though the file's passages lack them", async () => {
  // Every note speaks of a paragraph of a note: in that library those words say nothing specific.
  const library = path.join(dir, 'library');
  const core = await makeTestCore(library);
  await core.library.add(writeNotes(path.join(dir, 'notes'), 12));
  await core.library.whenIdle();
  await core.close();
  const { modelsDir } = await testModels();
  const claim = line({
    id: 'b',
    sentence: 'The reservoir holds water for the paragraph of the note [1].',
    passages: [RESERVOIR],
  });
  const models = ['--model-dir', modelsDir, '--embedding-model', BOW_MODEL];
  const inLibrary = await checkIn(library, [claim], '--json', ...models);
  expect(JSON.parse(inLibrary.stdout)).toMatchObject({ id: 'b', verdict: 'supported' });
  // Without a library, rarity comes from the file's one passage, which has neither word.
  const alone = await check([claim], '--json');
  expect(JSON.parse(alone.stdout)).toMatchObject({
    verdict: 'unsupported',
    missing: [
      { kind: 'word', text: 'paragraph' },
      { kind: 'word', text: 'note' },
    ],
  });
}, 60_000);

it('an empty file exits 0 with no output; a missing file is a usage error', async () => {
  const empty = await check([], '--json');
  expect(empty).toEqual({ code: 0, stdout: '', stderr: '' });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await checkCommand([path.join(dir, 'nope.jsonl'), '--json'])).toBe(2);
    expect(await checkCommand([])).toBe(2);
  } finally {
    err.mockRestore();
  }
});
