// Documents' files and OCR word boxes copied into a bucket (real s3rver on loopback).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, expect, it } from 'vitest';
import { readOcrPages, writeOcrPages } from './indexing/ocr-cache';
import { DocumentFileCopies } from './library-files';
import { openLibraryPlace } from './library-place';
import type { DocumentRecord } from './library/document-registry';
import { openLibraryBucket, parseLibraryLocation, type ObjectBucket } from './object-store';
import { startS3Server, type S3Server } from '../../test/helpers/s3-server';
import { makeTempDir } from '../../test/helpers/temp-dir';

let s3: S3Server;
let bucket: ObjectBucket;
let dir: string;
let remove: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['copies'] });
});
afterAll(() => s3.close());
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-file-copies-'));
  const location = parseLibraryLocation(`s3://copies/lib-${++n}`, s3.env);
  if (location.kind !== 's3') throw new Error('expected s3');
  bucket = await openLibraryBucket(location, { create: true });
});
afterEach(() => remove());

function record(file: string, id: string): DocumentRecord {
  const stat = fs.statSync(file);
  return {
    id,
    name: path.basename(file),
    path: file,
    kind: 'pdf',
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    status: 'ready',
    chunks: 1,
    pages: 1,
    contentHash: null,
    addedAt: 0,
    updatedAt: 0,
  } as unknown as DocumentRecord;
}

it('ships a ready file with its OCR words once, and another home reads both without the original', async () => {
  const original = path.join(dir, 'writer', 'scan.pdf');
  fs.mkdirSync(path.dirname(original), { recursive: true });
  fs.writeFileSync(original, 'a scanned page, as bytes');
  const doc = record(original, 'd-scan');
  const words = [{ page: 1, width: 100, height: 100, items: [] }];
  await writeOcrPages(path.join(dir, 'writer', 'ocr'), doc.id, words as never);
  const writer = new DocumentFileCopies(
    bucket,
    path.join(dir, 'writer', 'files'),
    path.join(dir, 'writer', 'ocr'),
    () => undefined,
  );
  let version = 1;
  const registry = {
    get version() {
      return version;
    },
    all: () => [doc],
  };
  await writer.sync(registry);
  const puts = () => s3.requests.filter((r) => r.method === 'PUT' && r.key.includes('d-scan'));
  expect(puts()).toHaveLength(2);
  await writer.sync(registry);
  version++;
  await writer.sync(registry);
  expect(puts()).toHaveLength(2);

  fs.rmSync(original);
  const reader = new DocumentFileCopies(
    bucket,
    path.join(dir, 'reader', 'files'),
    path.join(dir, 'reader', 'ocr'),
    () => undefined,
  );
  const local = await reader.localFile(doc);
  expect(local && fs.readFileSync(local, 'utf8')).toBe('a scanned page, as bytes');
  expect(await readOcrPages(path.join(dir, 'reader', 'ocr'), doc.id)).toEqual(words);

  // Gone from the registry: its copies go too.
  version++;
  await writer.sync({ version, all: () => [] });
  expect(await bucket.list('_quire/')).toEqual([]);
});

it('stops uploading at its deadline and says how many files it left, for the next look', async () => {
  const files = ['a.pdf', 'b.pdf', 'c.pdf'].map((name) => {
    const file = path.join(dir, 'docs', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `bytes of ${name}`);
    return record(file, `d-${name}`);
  });
  const copies = new DocumentFileCopies(bucket, dir, path.join(dir, 'ocr'), () => undefined);
  const registry = { version: 1, all: () => files };
  expect(await copies.sync(registry, { until: Date.now() - 1 })).toBe(3);
  expect(await bucket.list('_quire/files/')).toEqual([]);
  expect(await copies.sync(registry)).toBe(0);
  expect(await bucket.list('_quire/files/')).toHaveLength(3);
});

it('copies the files a writer has not shipped yet when it closes, as a command that indexed and exits', async () => {
  const file = path.join(dir, 'docs', 'late.pdf');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'indexed just before the command ended');
  const place = await openLibraryPlace({
    dataDir: path.join(dir, 'home'),
    library: `s3://copies/closing-${n}`,
    env: s3.env,
    log: () => undefined,
  });
  place.attach({ version: 1, all: () => [record(file, 'd-late')] });
  // Closed at once: the once-a-second copier has not run, so only closing can copy it.
  await place.close();
  const location = parseLibraryLocation(`s3://copies/closing-${n}`, s3.env);
  if (location.kind !== 's3') throw new Error('expected s3');
  const other = await openLibraryBucket(location, { create: false });
  expect(await other.list('_quire/files/')).toEqual([
    expect.stringMatching(/^_quire\/files\/d-late\//),
  ]);
});
