// `quire index --library s3://…` killed with SIGKILL mid-indexing, then run again on the same
// home: it takes back the lease its dead process left, ships the records it never shipped,
// and ends where an uninterrupted run ends. Real CLI processes, real s3rver, real LanceDB.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testModels } from '../../test/helpers/embedding-fixtures';
import { BOW_MODEL, makeTestCore, PDF_DIR, writeNotes } from '../../test/helpers/library-fixtures';
import { startS3Server, withS3Env, type S3Server } from '../../test/helpers/s3-server';
import { makeTempDir } from '../../test/helpers/temp-dir';

const CLI = fileURLToPath(new URL('./cli/main.ts', import.meta.url));
let root: string;
let remove: () => Promise<void>;
let modelsDir: string;
let s3: S3Server;

beforeAll(async () => {
  ({ dir: root, remove } = await makeTempDir('quire-bucket-kill-'));
  modelsDir = (await testModels()).modelsDir;
  s3 = await startS3Server({ buckets: ['team'] });
});
afterAll(async () => {
  await s3.close();
  await remove();
});

function runIndex(
  home: string,
  library: string,
  inputs: string[],
  killAfterReady?: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ready: number; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'index',
      ...inputs,
      '--data',
      path.join(root, home),
      '--library',
      library,
      '--model-dir',
      modelsDir,
      '--embedding-model',
      BOW_MODEL,
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...s3.env } },
  );
  let ready = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.includes('"document.ready"')) return;
    ready++;
    if (killAfterReady !== undefined && ready === killAfterReady) child.kill('SIGKILL');
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ready, stderr })),
  );
}

/** What a reader on a fresh home finds in the bucket. */
async function finalState(library: string) {
  const restoreEnv = withS3Env(s3.env);
  const core = await makeTestCore(path.join(root, `reader-${Date.now()}`), {
    library,
    readOnly: true,
    startIndexing: false,
  });
  try {
    const docs = core.library.registry.all().sort((a, b) => a.path.localeCompare(b.path));
    const rows = [];
    for (const doc of docs) {
      const chunks = await core.store.lance.getChunks(doc.id);
      rows.push({ path: doc.path, status: doc.status, chunks: doc.chunks, stored: chunks.length });
    }
    return { rows, total: await core.store.countChunks() };
  } finally {
    await core.close();
    restoreEnv();
  }
}

it('after SIGKILL mid-indexing into a bucket, a restart on the same home ends as an uninterrupted run', async () => {
  const docs = path.join(root, 'docs');
  writeNotes(docs, 16);
  const inputs = [docs, path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf')];

  const clean = await runIndex('home-clean', 's3://team/clean', inputs);
  expect(clean.stderr).toBe('');
  expect(clean.code).toBe(0);

  const killed = await runIndex('home-killed', 's3://team/killed', inputs, 5);
  expect(killed.signal).toBe('SIGKILL');
  const interrupted = await finalState('s3://team/killed');
  expect(interrupted.rows.filter((row) => row.status === 'ready').length).toBeLessThan(17);

  const resumed = await runIndex('home-killed', 's3://team/killed', inputs);
  expect(resumed.code).toBe(0);

  const expected = await finalState('s3://team/clean');
  const actual = await finalState('s3://team/killed');
  expect(actual.rows).toEqual(expected.rows);
  expect(actual.rows).toHaveLength(17);
  expect(actual.rows.every((row) => row.status === 'ready' && row.stored === row.chunks)).toBe(
    true,
  );
  expect(actual.total).toBe(actual.rows.reduce((n, row) => n + row.chunks, 0));
}, 240_000);
