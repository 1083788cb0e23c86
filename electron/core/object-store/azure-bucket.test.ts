// The small-object client against a real Azure Blob API (Azurite on loopback): what s3rver
// cannot show (signatures checked, conditional writes honoured) is checked here.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureServer, type AzureServer } from '../../../test/helpers/azure-server';
import { quireErrorOf } from '../../../test/helpers/quire-error';
import {
  createObjectBucket,
  LibraryInUseError,
  LibraryLease,
  openLibraryBucket,
  readLease,
  type AzureLibraryLocation,
} from './index';

let azure: AzureServer;
beforeAll(async () => {
  azure = await startAzureServer({ containers: ['lib'] });
}, 30_000);
afterAll(async () => {
  await azure?.close();
});

function bucketAt(uri: string, env: NodeJS.ProcessEnv = azure.env, options = {}) {
  return createObjectBucket(azure.locate(uri, env), options);
}

describe('AzureObjectBucket', () => {
  it('writes and reads JSON and bytes under the prefix, with ETags, and deletes', async () => {
    const bucket = bucketAt('az://lib/team/one');
    expect(await bucket.getJson('missing.json')).toBeNull();
    const etag = await bucket.putJson('meta/a.json', { hello: 'world' });
    expect(await bucket.getJson('meta/a.json')).toEqual({ value: { hello: 'world' }, etag });
    // Keys are the library's: the container holds them under the prefix.
    expect(azure.requests).toContainEqual(
      expect.objectContaining({ method: 'PUT', path: '/lib/team/one/meta/a.json' }),
    );
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await bucket.putBytes('seg/s1.bin', bytes);
    expect(await bucket.getBytes('seg/s1.bin')).toEqual(bytes);
    await bucket.delete('meta/a.json');
    expect(await bucket.getJson('meta/a.json')).toBeNull();
    await bucket.delete('meta/a.json');
  });

  it('lists the keys under a prefix, relative to the library, across pages, and nothing beside it', async () => {
    const bucket = bucketAt('az://lib/listing');
    const keys = Array.from({ length: 5003 }, (_, i) => `many/k${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 200)
      await Promise.all(
        keys.slice(i, i + 200).map((key) => bucket.putBytes(key, Buffer.from(key))),
      );
    await bucket.putBytes('other/x', Buffer.from('x'));
    await azure.putBlob('lib', 'listing-sibling/many/k9999', 'outside the library');
    expect(await bucket.list('many/')).toEqual(keys);
    expect(await bucket.list('', { limit: 1 })).toEqual(['many/k0000']);
    expect(await bucket.list('other/')).toEqual(['other/x']);
  }, 60_000);

  it('honours If-None-Match and If-Match: a lost race is storage_conflict', async () => {
    const bucket = bucketAt('az://lib/conditions');
    const first = await bucket.putJson('c.json', { v: 1 }, { ifNoneMatch: '*' });
    const again = await quireErrorOf(bucket.putJson('c.json', { v: 9 }, { ifNoneMatch: '*' }));
    expect(again.code).toBe('storage_conflict');
    const stale = await quireErrorOf(bucket.putJson('c.json', { v: 9 }, { ifMatch: '"0x0"' }));
    expect(stale.code).toBe('storage_conflict');
    const second = await bucket.putJson('c.json', { v: 2 }, { ifMatch: first });
    expect(await bucket.getJson('c.json')).toEqual({ value: { v: 2 }, etag: second });
  });

  it('reports a missing container as bucket_missing', async () => {
    const bucket = bucketAt('az://no-such-container/lib');
    for (const attempt of [
      () => bucket.checkBucket(),
      () => bucket.getJson('x'),
      () => bucket.list(),
    ]) {
      const error = await quireErrorOf(attempt());
      expect(error.code).toBe('bucket_missing');
      expect(error.message).toContain('The container "no-such-container" does not exist');
    }
  });

  it('reports a wrong account key as storage_auth: Azurite checks the signature', async () => {
    const wrongKey = Buffer.from('not the key of this account at all').toString('base64');
    const bucket = bucketAt('az://lib/auth', { ...azure.env, AZURE_STORAGE_ACCOUNT_KEY: wrongKey });
    const error = await quireErrorOf(bucket.getJson('x.json'));
    expect(error.code).toBe('storage_auth');
    expect(error.message).toContain('AZURE_STORAGE_ACCOUNT_KEY');
    expect((await quireErrorOf(bucket.checkBucket())).code).toBe('storage_auth');
  });

  it('reports a dropped network as storage_unreachable, and works again when it is back', async () => {
    const bucket = bucketAt('az://lib/drop', azure.env, { requestTimeoutMs: 2_000 });
    await bucket.putJson('a.json', { v: 1 });
    azure.setReachable(false);
    try {
      const started = Date.now();
      const error = await quireErrorOf(bucket.getJson('a.json'));
      expect(error.code).toBe('storage_unreachable');
      expect(error.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      azure.setReachable(true);
    }
    expect((await bucket.getJson('a.json'))?.value).toEqual({ v: 1 });
  });

  it('reports an endpoint nobody listens on as storage_unreachable, naming it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const endpoint = `http://127.0.0.1:${port}/devstoreaccount1`;
    const bucket = bucketAt('az://lib/down', { ...azure.env, AZURE_STORAGE_ENDPOINT: endpoint });
    const error = await quireErrorOf(bucket.getJson('x.json'));
    expect(error.code).toBe('storage_unreachable');
    expect(error.message).toContain(endpoint);
  });
});

describe('a library in an Azure container', () => {
  it('is marked at first open, and a container holding something else is refused', async () => {
    const location: AzureLibraryLocation = azure.locate('az://lib/marked');
    const bucket = await openLibraryBucket(location, { create: true });
    expect(await bucket.list()).toEqual(['quire-library.json']);
    await azure.putBlob('lib', 'foreign/report.pdf', 'not a library');
    const error = await quireErrorOf(
      openLibraryBucket(azure.locate('az://lib/foreign'), { create: true }),
    );
    expect(error.code).toBe('bucket_foreign');
  });

  it('gives the lease to exactly one of two writers racing for it, as conditional writes promise', async () => {
    const location = azure.locate('az://lib/race');
    const holders = [
      { name: 'ana', host: 'desk-1', pid: 101 },
      { name: 'ben', host: 'laptop-2', pid: 202 },
    ];
    for (let round = 0; round < 5; round++) {
      const attempts = await Promise.allSettled(
        holders.map((holder) => LibraryLease.acquire(createObjectBucket(location), holder)),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      expect(won, `round ${round}`).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(LibraryInUseError);
      const lease = (won[0] as PromiseFulfilledResult<LibraryLease>).value;
      expect((await readLease(createObjectBucket(location)))?.lease.holder.name).toBe(
        lease.holder.name,
      );
      await lease.release();
    }
  });
});

describe('a SAS token instead of the account key', () => {
  it('opens a library with a token limited to the container, and a read-only token cannot write', async () => {
    const withToken = async (permissions: string) => ({
      AZURE_STORAGE_ACCOUNT_NAME: azure.env.AZURE_STORAGE_ACCOUNT_NAME!,
      AZURE_STORAGE_ENDPOINT: azure.env.AZURE_STORAGE_ENDPOINT!,
      AZURE_STORAGE_SAS_TOKEN: await azure.containerSas('lib', permissions),
    });
    const writer = await openLibraryBucket(
      azure.locate('az://lib/sas', await withToken('racwdl')),
      {
        create: true,
      },
    );
    await writer.putJson('state.json', { v: 1 });
    expect(await writer.list()).toEqual(['quire-library.json', 'state.json']);
    const reader = createObjectBucket(azure.locate('az://lib/sas', await withToken('rl')));
    expect((await reader.getJson('state.json'))?.value).toEqual({ v: 1 });
    const refused = await quireErrorOf(reader.putJson('state.json', { v: 2 }));
    expect(refused.code).toBe('storage_auth');
  });
});
