import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isQuireError } from '../../shared/errors';
import type { QuireCore } from './quire-core';
import { makeTestCore, PDF_DIR, writeNotes } from '../../test/helpers/library-fixtures';
import { createInMemoryTransport } from './rpc/in-memory-transport';
import { startAzureServer, type AzureServer } from '../../test/helpers/azure-server';
import { withEnv } from '../../test/helpers/process-env';
import { startS3Server, type S3Server } from '../../test/helpers/s3-server';
import { makeTempDir } from '../../test/helpers/temp-dir';

// Real object stores on loopback (s3rver for S3, Azurite for Azure), real LanceDB in them, real
// cores: two homes sharing one library. The same scenarios run on both stores.
let s3: S3Server;
let azure: AzureServer;
let restoreEnv: () => void;
let dir: string;
let remove: () => Promise<void>;
const opened: QuireCore[] = [];

/** What a scenario needs of a store, whichever it is. */
type StoreUnderTest = {
  scheme: 's3' | 'az';
  setReachable(reachable: boolean): void;
  /** Puts an object the way another program would, beside Quire. */
  put(bucket: string, key: string, body: Buffer | string): Promise<void>;
  /** Variables that reach the store with credentials it refuses. */
  refusedKeys: Record<string, string>;
};
const stores = {} as Record<'s3' | 'azure', StoreUnderTest>;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['team', 'other'] });
  azure = await startAzureServer({ containers: ['team', 'other'] });
  stores.s3 = {
    scheme: 's3',
    setReachable: s3.setReachable,
    put: s3.putObject,
    // s3rver checks the key ID only, not the signature.
    refusedKeys: { AWS_ACCESS_KEY_ID: 'NOT-A-KEY' },
  };
  stores.azure = {
    scheme: 'az',
    setReachable: azure.setReachable,
    put: azure.putBlob,
    refusedKeys: {
      AZURE_STORAGE_ACCOUNT_KEY: Buffer.from('a key of another account').toString('base64'),
    },
  };
  restoreEnv = withEnv({ ...s3.env, ...azure.env }, { clearPrefix: 'AZURE_STORAGE_' });
}, 30_000);
afterAll(async () => {
  restoreEnv?.();
  await s3?.close();
  await azure?.close();
});
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-bucket-library-'));
});
afterEach(async () => {
  s3.setReachable(true);
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

function leaseFrom(host: string, pid: number, expiresAt: number): Buffer {
  const at = new Date(expiresAt - 30_000).toISOString();
  return Buffer.from(
    JSON.stringify({
      holder: { name: 'someone', host, pid },
      token: 'a-token-of-another-writer',
      acquiredAt: at,
      renewedAt: at,
      expiresAt: new Date(expiresAt).toISOString(),
    }),
  );
}

/** The id of a process that has exited: nothing answers to it any more. */
async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const titles = async (core: QuireCore, query: string) =>
  (await core.retriever.search(query, { mode: 'text', k: 10 })).hits.map((hit) => hit.title);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe.each(['s3', 'azure'] as const)('a library in %s', (storeName) => {
  const store = () => stores[storeName];
  const address = (where: string) => `${store().scheme}://${where}`;

  it('indexes, searches, deletes and keeps collections in the bucket; another home reads them', async () => {
    const library = address('team/first');
    const writer = await open('home-a', { library });
    const notes = writeNotes(path.join(dir, 'docs'), 3, 'river');
    await writer.library.add(notes);
    await writer.library.whenIdle();
    const box = writer.collections.create('Box');
    const [first, second, third] = writer.library.registry.all();
    await writer.collections.addDocuments(box.id, [first!.id, second!.id]);
    await writer.library.remove(third!.id);
    await writer.library.whenIdle();
    expect(await titles(writer, 'river')).toHaveLength(2);
    await closeCore(writer);

    // Another home: nothing of this library in its data folder, all of it from the bucket.
    const reader = await open('home-b', { library, readOnly: true });
    expect(reader.library.registry.all().map((doc) => doc.status)).toEqual(['ready', 'ready']);
    expect(reader.collections.list()).toEqual([
      expect.objectContaining({ name: 'Box', documentCount: 2 }),
    ]);
    expect((await titles(reader, 'river')).sort()).toEqual([first!.name, second!.name].sort());
  });

  it('refuses a second writer, naming the holder and until when, and lets a reader follow the writer', async () => {
    const library = address('team/shared');
    const writer = await open('home-a', { library });
    const refused = await open('home-b', { library }).catch((error: unknown) => error);
    expect(isQuireError(refused) && refused.code).toBe('library_in_use');
    expect(String((refused as Error).message)).toMatch(/until \d{4}-\d\d-\d\dT/);

    const reader = await open('home-c', { library, readOnly: true, followWriterMs: 200 });
    expect(reader.library.registry.all()).toHaveLength(0);
    const started = Date.now();
    await writer.library.add(writeNotes(path.join(dir, 'later'), 1, 'delta'));
    await writer.library.whenIdle();
    // Chunks and the registry's journal reach the bucket separately: wait until both have.
    const caughtUp = async () =>
      (await titles(reader, 'delta')).length === 1 &&
      reader.library.registry.all().every((doc) => doc.status === 'ready');
    while (!(await caughtUp()) && Date.now() - started < 10_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await titles(reader, 'delta')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(reader.library.registry.all()).toEqual([expect.objectContaining({ status: 'ready' })]);
  });

  it('takes over a lease that expired, and at once one whose holder died on this machine', async () => {
    const library = address('team/takeover');
    const first = await open('home-a', { library });
    await first.library.add(writeNotes(path.join(dir, 'docs'), 1, 'estuary'));
    await first.library.whenIdle();
    await closeCore(first);

    // A writer elsewhere that stopped renewing: refused until its lease expires, then taken.
    const expiresAt = Date.now() + 1500;
    await store().put(
      'team',
      'takeover/_quire/lease.json',
      leaseFrom('elsewhere', 4242, expiresAt),
    );
    const early = await open('home-b', { library }).catch((error: unknown) => error);
    expect(isQuireError(early) && early.code).toBe('library_in_use');
    expect(String((early as Error).message)).toContain('on elsewhere (pid 4242)');
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    const second = await open('home-b', { library });
    expect(await titles(second, 'estuary')).toHaveLength(1);
    await closeCore(second);

    // A writer on this machine that was killed: its process is gone, so no wait.
    const deadPid = await exitedPid();
    await store().put(
      'team',
      'takeover/_quire/lease.json',
      leaseFrom(os.hostname(), deadPid, Date.now() + 60_000),
    );
    const third = await open('home-c', { library });
    expect(await titles(third, 'estuary')).toHaveLength(1);
  });

  it('says clearly when the bucket is missing, holds something else, or refuses the keys', async () => {
    const missing = await failure(open('home-a', { library: address('nobucket/lib') }));
    expect(isQuireError(missing) && missing.code).toBe('bucket_missing');
    await store().put('other', 'photos/cat.jpg', Buffer.from('not a library'));
    const foreign = await failure(open('home-b', { library: address('other/photos') }));
    expect(isQuireError(foreign) && foreign.code).toBe('bucket_foreign');
    const restore = withEnv(store().refusedKeys);
    try {
      const refused = await failure(open('home-c', { library: address('team/keyed') }));
      expect(isQuireError(refused) && refused.code).toBe('storage_auth');
    } finally {
      restore();
    }
  });

  it('fails what a network drop interrupts with storage_unreachable, keeps what was stored, and retries once it is back', async () => {
    const library = address('team/drop');
    const writer = await open('home-a', { library });
    await writer.library.add(writeNotes(path.join(dir, 'first'), 2, 'alpha'));
    await writer.library.whenIdle();
    const stored = await writer.store.countChunks();

    store().setReachable(false);
    await writer.library.add(writeNotes(path.join(dir, 'second'), 1, 'beta'));
    await writer.library.whenIdle();
    store().setReachable(true);
    const beta = writer.library.registry.all().find((doc) => doc.name.startsWith('beta'))!;
    expect(beta).toMatchObject({ status: 'failed', error: { code: 'storage_unreachable' } });
    expect(beta.error!.message).toMatch(/could not be reached.*nothing already saved was lost/);
    expect(await writer.store.countChunks()).toBe(stored);
    expect(await titles(writer, 'alpha')).toHaveLength(2);

    await writer.library.requeue(beta.id, {});
    await writer.library.whenIdle();
    expect(writer.library.registry.get(beta.id)).toMatchObject({ status: 'ready' });
    expect(await titles(writer, 'beta')).toHaveLength(1);
  }, 180_000);
});

describe('a library in an S3 bucket', () => {
  it("copies documents' files into the bucket, so a citation opens on a home without the original", async () => {
    const library = 's3://team/files';
    const original = path.join(dir, 'papers', 'two-column.pdf');
    fs.mkdirSync(path.dirname(original), { recursive: true });
    fs.copyFileSync(path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf'), original);
    const bytes = fs.readFileSync(original);
    const writer = await open('home-a', { library });
    await writer.library.add([original]);
    await writer.library.whenIdle();
    const [doc] = writer.library.registry.all();
    const copied = () =>
      s3.requests.some((r) => r.method === 'PUT' && r.key.includes(`_quire/files/${doc!.id}/`));
    const started = Date.now();
    while (!copied() && Date.now() - started < 15_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(copied()).toBe(true);
    fs.rmSync(original); // the other home never had it

    const reader = await open('home-b', { library, readOnly: true });
    const content = await createInMemoryTransport(reader.dispatch).invoke('documents.content', {
      documentId: doc!.id,
    });
    expect(content.ok && content.value.mime).toBe('application/pdf');
    expect(content.ok && Buffer.from(content.value.base64!, 'base64').equals(bytes)).toBe(true);

    await writer.library.remove(doc!.id);
    const removed = () =>
      s3.requests.some((r) => r.method === 'DELETE' && r.key.includes(`_quire/files/${doc!.id}/`));
    while (!removed() && Date.now() - started < 30_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(removed()).toBe(true);
  }, 60_000);
});
