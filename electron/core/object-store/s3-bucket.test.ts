// The small-object client against a real S3 API (s3rver on loopback), and against endpoints
// that refuse connections or never answer.
import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quireErrorOf } from '../../../test/helpers/quire-error';
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server';
import { createObjectBucket, type SegmentObjects } from './index';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['lib'] });
});
afterAll(async () => {
  await s3.close();
});

function bucketAt(uri: string, env: NodeJS.ProcessEnv = s3.env, options = {}) {
  return createObjectBucket(s3.locate(uri, env), options);
}

function desAvailable(): boolean {
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('S3ObjectBucket', () => {
  it('writes and reads JSON and bytes under the prefix, with ETags', async () => {
    const bucket = bucketAt('s3://lib/team/one');
    expect(await bucket.getJson('missing.json')).toBeNull();
    expect(await bucket.getBytes('missing.bin')).toBeNull();
    const etag = await bucket.putJson('meta/a.json', { hello: 'world', n: 3 });
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await bucket.getJson('meta/a.json')).toEqual({
      value: { hello: 'world', n: 3 },
      etag,
    });
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await bucket.putBytes('seg/s1.bin', bytes);
    expect(await bucket.getBytes('seg/s1.bin')).toEqual(bytes);
    // Keys are the library's: the server holds them under the prefix.
    expect(s3.requests).toContainEqual(
      expect.objectContaining({ method: 'PUT', bucket: 'lib', key: 'team/one/meta/a.json' }),
    );
    await bucket.delete('meta/a.json');
    expect(await bucket.getJson('meta/a.json')).toBeNull();
    await bucket.delete('meta/a.json');
    bucket.close();
  });

  it('lists the keys under a prefix, relative to the library, and nothing beside it', async () => {
    const bucket = bucketAt('s3://lib/short-listing');
    await bucket.putBytes('many/b', Buffer.from('b'));
    await bucket.putBytes('many/a', Buffer.from('a'));
    await bucket.putBytes('other/x', Buffer.from('x'));
    await s3.putObject('lib', 'short-listing-sibling/many/c', 'outside the library');
    expect(await bucket.list('many/')).toEqual(['many/a', 'many/b']);
    expect(await bucket.list()).toEqual(['many/a', 'many/b', 'other/x']);
    expect(await bucket.list('', { limit: 1 })).toEqual(['many/a']);
    bucket.close();
  });

  // s3rver's continuation tokens are DES-encrypted, which Node 20's OpenSSL 3 refuses (a 500)
  // unless Node runs with --openssl-legacy-provider (NODE_OPTIONS works).
  it.skipIf(!desAvailable())('lists every page of a long listing', async () => {
    const bucket = bucketAt('s3://lib/listing');
    const keys = Array.from({ length: 1003 }, (_, i) => `many/k${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((key) => bucket.putBytes(key, Buffer.from(key))));
    await bucket.putBytes('other/x', Buffer.from('x'));
    await s3.putObject('lib', 'listing-sibling/many/k9999', 'outside the library');
    s3.requests.length = 0;
    expect(await bucket.list('many/')).toEqual(keys);
    const pages = s3.requests.filter((r) => r.method === 'GET' && r.query.includes('list-type=2'));
    expect(pages).toHaveLength(2);
    expect(await bucket.list('', { limit: 1 })).toEqual(['many/k0000']);
    expect(await bucket.list('other/')).toEqual(['other/x']);
    bucket.close();
  });

  it('says what it found when an object that should be JSON is not', async () => {
    const bucket = bucketAt('s3://lib/garbled');
    await s3.putObject('lib', 'garbled/state.json', 'not { json');
    const error = await quireErrorOf(bucket.getJson('state.json'));
    expect(error.code).toBe('bucket_foreign');
    expect(error.message).toContain('s3://lib/garbled/state.json is not JSON');
    bucket.close();
  });

  it('reports a missing bucket as bucket_missing', async () => {
    const bucket = bucketAt('s3://no-such-bucket/lib');
    const attempts = [
      () => bucket.checkBucket(),
      () => bucket.getJson('x.json'),
      () => bucket.list(),
    ];
    for (const attempt of attempts) {
      const error = await quireErrorOf(attempt());
      expect(error.code).toBe('bucket_missing');
      expect(error.message).toContain('The bucket "no-such-bucket" does not exist');
    }
    bucket.close();
  });

  it('reports an access key the server does not know as storage_auth', async () => {
    // s3rver knows one key and rejects others with a real 403 InvalidAccessKeyId; it does not
    // check SigV4 signatures, so a wrong secret with the right key would pass.
    const env = { ...s3.env, AWS_ACCESS_KEY_ID: 'NOT-A-KEY' };
    const bucket = bucketAt('s3://lib/auth', env);
    const read = await quireErrorOf(bucket.getJson('x.json'));
    expect(read.code).toBe('storage_auth');
    expect(read.message).toContain('(InvalidAccessKeyId)');
    expect(read.message).toContain('AWS_ACCESS_KEY_ID');
    // HEAD answers carry no body, so only the status says what went wrong.
    expect((await quireErrorOf(bucket.checkBucket())).code).toBe('storage_auth');
    bucket.close();
  });

  it('reports a refused connection as storage_unreachable within a few seconds', async () => {
    const env = { ...s3.env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await closedPort()}` };
    const bucket = bucketAt('s3://lib/down', env);
    const started = Date.now();
    const error = await quireErrorOf(bucket.getJson('x.json'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('storage_unreachable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(env.AWS_ENDPOINT_URL_S3);
    bucket.close();
  });

  it('gives up on an endpoint that accepts connections and never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const env = { ...s3.env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` };
    const bucket = bucketAt('s3://lib/hung', env, { requestTimeoutMs: 500 });
    const started = Date.now();
    const error = await quireErrorOf(bucket.putJson('x.json', {}));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('storage_unreachable');
    expect(sockets.length).toBeGreaterThan(0);
    bucket.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('sends conditions with writes, which s3rver ignores (hence the lease reads back)', async () => {
    const bucket = bucketAt('s3://lib/conditions');
    const first = await bucket.putJson('c.json', { v: 1 }, { ifNoneMatch: '*' });
    s3.requests.length = 0;
    const second = await bucket.putJson('c.json', { v: 2 }, { ifMatch: '"0123"' });
    expect(second).not.toBe(first);
    expect(await bucket.getJson('c.json')).toEqual({ value: { v: 2 }, etag: second });
    expect(s3.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    bucket.close();
  });

  it('serves as the journal mirror objects', () => {
    const objects: SegmentObjects = bucketAt('s3://lib/journals');
    expect(typeof objects.list).toBe('function');
  });
});
