// The registry's shared form against a real S3 API (s3rver on loopback): a writer's journal
// shipped as segments, readers' copies brought up to date, compactions and crashes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../journal/journal';
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import {
  JournalMirror,
  openLibraryBucket,
  parseLibraryLocation,
  SEGMENTS_PER_GENERATION,
  type ObjectBucket,
} from './index';

type Entry = { n: number };

let s3: S3Server;
let dir: string;
let remove: () => Promise<void>;
let bucket: ObjectBucket;
let libraryCount = 0;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['journals'] });
});
afterAll(async () => {
  await s3.close();
});
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-journal-mirror-'));
  const location = parseLibraryLocation(`s3://journals/lib-${++libraryCount}`, s3.env);
  if (location.kind !== 's3') throw new Error('expected an s3 location');
  bucket = await openLibraryBucket(location, { create: true });
});
afterEach(async () => {
  await remove();
});

/** One home's journal file and its mirror. */
function home(name: string) {
  const file = path.join(dir, name, 'library', 'documents.jsonl');
  return {
    file,
    journal: new Journal<Entry>(file),
    mirror: new JournalMirror(bucket, 'documents', file),
  };
}

const segmentKeys = async () =>
  (await bucket.list('_quire/journals/documents/')).filter((key) => key.endsWith('.jsonl'));

describe('a journal mirrored into a bucket', () => {
  it('ships appended lines as segments that a reader appends to its copy, in place', async () => {
    const writer = home('writer');
    const reader = home('reader');
    expect(await reader.mirror.pull()).toBe(false);

    for (const n of [1, 2]) writer.journal.append({ n });
    expect(await writer.mirror.ship()).toBe(true);
    expect(await writer.mirror.ship()).toBe(false);
    expect(await reader.mirror.pull()).toBe(true);
    expect(reader.journal.load()).toEqual([{ n: 1 }, { n: 2 }]);
    const inode = fs.statSync(reader.file).ino;

    writer.journal.append({ n: 3 });
    await writer.mirror.ship();
    expect(await reader.mirror.pull()).toBe(true);
    expect(fs.statSync(reader.file).ino).toBe(inode);
    expect(reader.journal.readNew()).toEqual({ records: [{ n: 3 }], replaced: false });
    expect(await segmentKeys()).toHaveLength(2);
  });

  it('ships only whole lines: a record still being written waits for its newline', async () => {
    const writer = home('writer');
    const reader = home('reader');
    writer.journal.append({ n: 1 });
    fs.appendFileSync(writer.file, '{"n":2');
    await writer.mirror.ship();
    await reader.mirror.pull();
    expect(fs.readFileSync(reader.file, 'utf8')).toBe('{"n":1}\n');
    fs.appendFileSync(writer.file, '}\n');
    await writer.mirror.ship();
    await reader.mirror.pull();
    expect(reader.journal.load()).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('ships a compaction as a new generation, drops the old one, and a reader takes it as a compaction', async () => {
    const writer = home('writer');
    const reader = home('reader');
    for (const n of [1, 2, 3]) writer.journal.append({ n });
    await writer.mirror.ship();
    await reader.mirror.pull();
    reader.journal.load();

    writer.journal.compact([{ n: 3 }]);
    writer.journal.append({ n: 4 });
    await writer.mirror.ship();
    const keys = await segmentKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/g000002\/s00000000\.jsonl$/);

    await reader.mirror.pull();
    expect(reader.journal.readNew()).toEqual({ records: [{ n: 3 }, { n: 4 }], replaced: true });
  });

  it('starts a new generation after a bounded number of segments', async () => {
    const writer = home('writer');
    for (let n = 0; n < SEGMENTS_PER_GENERATION + 2; n++) {
      writer.journal.append({ n });
      await writer.mirror.ship();
    }
    const keys = await segmentKeys();
    expect(keys.length).toBeLessThan(SEGMENTS_PER_GENERATION);
    const reader = home('reader');
    await reader.mirror.pull();
    expect(reader.journal.load()).toHaveLength(SEGMENTS_PER_GENERATION + 2);
  }, 60_000);

  it('keeps what a killed writer never shipped, and ships it when that writer comes back', async () => {
    const writer = home('writer');
    writer.journal.append({ n: 1 });
    await writer.mirror.ship();
    writer.journal.append({ n: 2 }); // the process dies here, before its next ship

    const restarted = new JournalMirror(bucket, 'documents', writer.file);
    expect(await restarted.pull({ keepLocalAhead: true })).toBe(false);
    expect(await restarted.ship()).toBe(true);
    const reader = home('reader');
    await reader.mirror.pull();
    expect(reader.journal.load()).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('gives way to the bucket when another writer shipped after the lines this home never shipped', async () => {
    const first = home('first');
    first.journal.append({ n: 1 });
    await first.mirror.ship();
    first.journal.append({ n: 99 }); // never shipped: its writer lost the library meanwhile

    const second = home('second');
    await second.mirror.pull({ keepLocalAhead: true });
    second.journal.append({ n: 2 });
    await second.mirror.ship();

    const back = new JournalMirror(bucket, 'documents', first.file);
    expect(await back.pull({ keepLocalAhead: true })).toBe(true);
    expect(new Journal<Entry>(first.file).load()).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
