// Real Azurite on loopback, real LanceDB in its container, real cores: two homes sharing one
// library in Azure Blob Storage, as library-place.test.ts does with S3.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isQuireError } from '../../shared/errors';
import { startAzureServer, type AzureServer } from '../../test/helpers/azure-server';
import { makeTestCore, writeNotes } from '../../test/helpers/library-fixtures';
import { withEnv } from '../../test/helpers/process-env';
import { makeTempDir, waitFor } from '../../test/helpers/temp-dir';
import type { QuireCore } from './quire-core';

let azure: AzureServer;
let restoreEnv: () => void;
let dir: string;
let remove: () => Promise<void>;
const opened: QuireCore[] = [];

beforeAll(async () => {
  azure = await startAzureServer({ containers: ['team', 'other'] });
  restoreEnv = withEnv(azure.env, { clearPrefix: 'AZURE_STORAGE_' });
}, 30_000);
afterAll(async () => {
  restoreEnv?.();
  await azure?.close();
});
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-azure-library-'));
});
afterEach(async () => {
  azure.setReachable(true);
  for (const core of opened.splice(0)) await core.close();
  await remove();
});

async function open(home: string, options: Parameters<typeof makeTestCore>[1]) {
  const core = await makeTestCore(path.join(dir, home), options);
  opened.push(core);
  return core;
}

async function closeCore(core: QuireCore) {
  opened.splice(opened.indexOf(core), 1);
  await core.close();
}

const titles = async (core: QuireCore, query: string) =>
  (await core.retriever.search(query, { mode: 'text', k: 10 })).hits.map((hit) => hit.title);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('a library in an Azure container', () => {
  it('indexes, searches, deletes and keeps collections; another home reads them', async () => {
    const library = 'az://team/first';
    const writer = await open('home-a', { library });
    await writer.library.add(writeNotes(path.join(dir, 'docs'), 3, 'river'));
    await writer.library.whenIdle();
    const box = writer.collections.create('Box');
    const [first, second, third] = writer.library.registry.all();
    await writer.collections.addDocuments(box.id, [first!.id, second!.id]);
    await writer.library.remove(third!.id);
    await writer.library.whenIdle();
    expect(await titles(writer, 'river')).toHaveLength(2);
    await closeCore(writer);

    const reader = await open('home-b', { library, readOnly: true });
    expect(reader.library.registry.all().map((doc) => doc.status)).toEqual(['ready', 'ready']);
    expect(reader.collections.list()).toEqual([
      expect.objectContaining({ name: 'Box', documentCount: 2 }),
    ]);
    expect((await titles(reader, 'river')).sort()).toEqual([first!.name, second!.name].sort());
  }, 60_000);

  it('refuses a second writer with the holder, and a reader follows the writer within 10 s', async () => {
    const library = 'az://team/shared';
    const writer = await open('home-a', { library });
    const refused = await failure(open('home-b', { library }));
    expect(isQuireError(refused) && refused.code).toBe('library_in_use');
    expect(String((refused as Error).message)).toMatch(/until \d{4}-\d\d-\d\dT/);

    const reader = await open('home-c', { library, readOnly: true, followWriterMs: 200 });
    const started = Date.now();
    await writer.library.add(writeNotes(path.join(dir, 'later'), 1, 'delta'));
    await writer.library.whenIdle();
    await waitFor(
      async () =>
        (await titles(reader, 'delta')).length === 1 &&
        reader.library.registry.all().every((doc) => doc.status === 'ready'),
      10_000,
      100,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it('names the problem: a missing container, a foreign one, a wrong key', async () => {
    const missing = await failure(open('home-a', { library: 'az://nothing-here/lib' }));
    expect(isQuireError(missing) && missing.code).toBe('bucket_missing');
    await azure.putBlob('other', 'photos/cat.jpg', 'not a library');
    const foreign = await failure(open('home-b', { library: 'az://other/photos' }));
    expect(isQuireError(foreign) && foreign.code).toBe('bucket_foreign');
    const restore = withEnv({
      AZURE_STORAGE_ACCOUNT_KEY: Buffer.from('a key of another account').toString('base64'),
    });
    try {
      const refused = await failure(open('home-c', { library: 'az://team/keyed' }));
      expect(isQuireError(refused) && refused.code).toBe('storage_auth');
    } finally {
      restore();
    }
  }, 60_000);

  it('fails what a network drop interrupts with storage_unreachable, keeps what was stored, and retries', async () => {
    const library = 'az://team/drop';
    const writer = await open('home-a', { library });
    await writer.library.add(writeNotes(path.join(dir, 'first'), 2, 'alpha'));
    await writer.library.whenIdle();
    const stored = await writer.store.countChunks();

    azure.setReachable(false);
    await writer.library.add(writeNotes(path.join(dir, 'second'), 1, 'beta'));
    await writer.library.whenIdle();
    azure.setReachable(true);
    const beta = writer.library.registry.all().find((doc) => doc.name.startsWith('beta'))!;
    expect(beta).toMatchObject({ status: 'failed', error: { code: 'storage_unreachable' } });
    expect(await writer.store.countChunks()).toBe(stored);
    expect(await titles(writer, 'alpha')).toHaveLength(2);

    await writer.library.requeue(beta.id, {});
    await writer.library.whenIdle();
    expect(writer.library.registry.get(beta.id)).toMatchObject({ status: 'ready' });
    expect(await titles(writer, 'beta')).toHaveLength(1);
  }, 180_000);
});
