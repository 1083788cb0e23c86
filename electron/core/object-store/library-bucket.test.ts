// Checking a bucket before use, against a real S3 API (s3rver on loopback).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quireErrorOf } from '../../../test/helpers/quire-error';
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server';
import { LIBRARY_MARKER_KEY, openLibraryBucket, readLibraryMarker } from './index';

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['lib', 'photos'] });
});
afterAll(async () => {
  await s3.close();
});

describe('openLibraryBucket', () => {
  it('makes an empty prefix a library for a writer, and opens it again as it is', async () => {
    const at = Date.parse('2026-03-01T10:00:00Z');
    const bucket = await openLibraryBucket(s3.locate('s3://lib/team/new'), {
      create: true,
      createdBy: 'ana on desk-1',
      now: () => at,
    });
    const marker = { format: 1, createdAt: '2026-03-01T10:00:00.000Z', createdBy: 'ana on desk-1' };
    expect(await readLibraryMarker(bucket)).toEqual(marker);
    bucket.close();
    const stored = await fetch(`${s3.endpoint}/lib/team/new/${LIBRARY_MARKER_KEY}`);
    expect(await stored.json()).toEqual(marker);

    s3.requests.length = 0;
    const reader = await openLibraryBucket(s3.locate('s3://lib/team/new'), { create: false });
    expect(await readLibraryMarker(reader)).toEqual(marker);
    expect(s3.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    reader.close();
  });

  it('tells a reader of an empty prefix that no library is there yet', async () => {
    const error = await quireErrorOf(
      openLibraryBucket(s3.locate('s3://lib/nothing'), { create: false }),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('There is no Quire library in s3://lib/nothing yet');
    expect(await (await fetch(`${s3.endpoint}/lib/nothing/${LIBRARY_MARKER_KEY}`)).status).toBe(
      404,
    );
  });

  it('refuses a prefix that holds something else, naming what it found', async () => {
    await s3.putObject('photos', 'holiday/cat.jpg', 'jpeg bytes');
    await s3.putObject('photos', 'holiday/dog.jpg', 'jpeg bytes');
    for (const create of [true, false]) {
      const error = await quireErrorOf(
        openLibraryBucket(s3.locate('s3://photos/holiday'), { create }),
      );
      expect(error.code).toBe('bucket_foreign');
      expect(error.message).toContain('"cat.jpg"');
      expect(error.message).toContain('s3://photos/holiday');
    }
    // The whole bucket is not empty either; a fresh prefix beside the photos is.
    expect(
      (await quireErrorOf(openLibraryBucket(s3.locate('s3://photos'), { create: true }))).code,
    ).toBe('bucket_foreign');
    const beside = await openLibraryBucket(s3.locate('s3://photos/quire'), { create: true });
    beside.close();
    // Nothing was written among the photos.
    expect(await (await fetch(`${s3.endpoint}/photos/holiday/${LIBRARY_MARKER_KEY}`)).status).toBe(
      404,
    );
  });

  it('refuses a marker that is not Quire\u2019s', async () => {
    await s3.putObject('lib', `odd/${LIBRARY_MARKER_KEY}`, JSON.stringify({ hello: 1 }));
    const error = await quireErrorOf(
      openLibraryBucket(s3.locate('s3://lib/odd'), { create: true }),
    );
    expect(error.code).toBe('bucket_foreign');
    expect(error.message).toContain(`s3://lib/odd/${LIBRARY_MARKER_KEY} is not a Quire library`);
  });

  it('reports a missing bucket, refused credentials and an unreachable endpoint by their codes', async () => {
    const missing = await quireErrorOf(
      openLibraryBucket(s3.locate('s3://absent/lib'), { create: true }),
    );
    expect(missing.code).toBe('bucket_missing');
    expect(missing.message).toContain('"absent"');

    const stranger = s3.locate('s3://lib/team', { ...s3.env, AWS_ACCESS_KEY_ID: 'STRANGER' });
    expect((await quireErrorOf(openLibraryBucket(stranger, { create: true }))).code).toBe(
      'storage_auth',
    );

    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const down = s3.locate('s3://lib/team', {
      ...s3.env,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    });
    const started = Date.now();
    const unreachable = await quireErrorOf(openLibraryBucket(down, { create: true }));
    expect(unreachable.code).toBe('storage_unreachable');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
