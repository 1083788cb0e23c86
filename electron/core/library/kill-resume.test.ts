import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import {
  BOW_MODEL,
  makeTestCore,
  PDF_DIR,
  writeNotes,
} from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
let root: string;
let remove: () => Promise<void>;
let modelsDir: string;

beforeAll(async () => {
  ({ dir: root, remove } = await makeTempDir('quire-kill-'));
  modelsDir = (await testModels()).modelsDir;
});
afterAll(() => remove());

/** Runs `quire index` as a real process; optionally SIGKILLs it after `killAfterReady` documents. */
function runIndex(
  dataDir: string,
  inputs: string[],
  killAfterReady?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ready: number }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'index',
      ...inputs,
      '--data',
      dataDir,
      '--model-dir',
      modelsDir,
      '--embedding-model',
      BOW_MODEL,
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let ready = 0;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.includes('"document.ready"')) return;
    ready++;
    if (killAfterReady !== undefined && ready === killAfterReady) child.kill('SIGKILL');
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ready })),
  );
}

async function finalState(dataDir: string) {
  const core = await makeTestCore(dataDir, { startIndexing: false });
  try {
    const docs = core.library.registry.all().sort((a, b) => a.path.localeCompare(b.path));
    const rows = [];
    for (const doc of docs) {
      const chunks = await core.store.lance.getChunks(doc.id);
      rows.push({
        path: doc.path,
        status: doc.status,
        chunks: doc.chunks,
        stored: chunks.length,
        texts: chunks.map((c) => c.text).join('|').length,
      });
    }
    return { rows, total: await core.store.countChunks() };
  } finally {
    await core.close();
  }
}

it('after SIGKILL mid-indexing, a restart ends in the same state as an uninterrupted run, with no duplicates', async () => {
  const docs = path.join(root, 'docs');
  writeNotes(docs, 24);
  const inputs = [
    docs,
    path.join(PDF_DIR, 'irs_i1040nr_instructions_50p.pdf'),
    path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf'),
  ];

  const clean = await runIndex(path.join(root, 'clean'), inputs);
  expect(clean.code).toBe(0);

  const killed = await runIndex(path.join(root, 'killed'), inputs, 6);
  expect(killed.signal).toBe('SIGKILL');
  const interrupted = await finalState(path.join(root, 'killed'));
  expect(interrupted.rows.filter((r) => r.status !== 'ready').length).toBeGreaterThan(0); // it really was cut short

  const resumed = await runIndex(path.join(root, 'killed'), inputs);
  expect(resumed.code).toBe(0);

  const expected = await finalState(path.join(root, 'clean'));
  const actual = await finalState(path.join(root, 'killed'));
  expect(actual.rows).toEqual(expected.rows);
  expect(actual.rows).toHaveLength(26);
  expect(actual.rows.every((r) => r.status === 'ready' && r.stored === r.chunks)).toBe(true);
  expect(actual.total).toBe(actual.rows.reduce((n, r) => n + r.chunks, 0));
}, 240_000);
