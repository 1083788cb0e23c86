import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../library/document-registry';
import { DocumentRegistry } from '../library/document-registry';
import { Journal } from './journal';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { fillDisk, mountTmpfs, tmpfsUnavailable, unmountTmpfs } from '../../../test/helpers/tmpfs';

type Entry = { n: number; pad: string };
// Bigger than a page, so an append on a full tmpfs always needs space it cannot get.
const entry = (n: number): Entry => ({ n, pad: 'x'.repeat(6000) });

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n');
}

function record(id: string, over: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    id,
    path: `/docs/${id}.md`,
    name: `${id}.md`,
    kind: 'markdown',
    size: 10,
    pages: null,
    status: 'queued',
    chunks: 0,
    progress: null,
    error: null,
    vectorsPending: false,
    embeddingModel: null,
    addedAt: 1,
    updatedAt: 1,
    contentHash: null,
    mtimeMs: 1,
    ...over,
  };
}

describe('the journal after a crash', () => {
  it('keeps the record appended after a torn last line', async () => {
    const { dir, remove } = await makeTempDir();
    try {
      const file = path.join(dir, 'log.jsonl');
      fs.writeFileSync(file, '{"n":1}\n{"n":2,"pad":"tor');
      const journal = new Journal<{ n: number }>(file);
      journal.append({ n: 3 });
      journal.close();
      expect(new Journal<{ n: number }>(file).load()).toEqual([{ n: 1 }, { n: 3 }]);
    } finally {
      await remove();
    }
  });
});

describe('a reader beside the writer', () => {
  it('reads only what was appended, takes a line once it is whole, and starts over after a compaction', async () => {
    const { dir, remove } = await makeTempDir();
    try {
      const file = path.join(dir, 'log.jsonl');
      const reader = new Journal<{ n: number }>(file);
      expect(reader.load()).toEqual([]);
      expect(reader.readNew()).toBeNull();
      const writer = new Journal<{ n: number }>(file);
      writer.append({ n: 1 });
      writer.append({ n: 2 });
      expect(reader.readNew()).toEqual({ records: [{ n: 1 }, { n: 2 }], replaced: true });
      expect(reader.readNew()).toBeNull();
      // A record caught mid-write is not taken until its newline is there.
      fs.appendFileSync(file, '{"n":3');
      expect(reader.readNew()).toEqual({ records: [], replaced: false });
      fs.appendFileSync(file, '}\n');
      expect(reader.readNew()).toEqual({ records: [{ n: 3 }], replaced: false });
      writer.compact([{ n: 9 }]);
      expect(reader.readNew()).toEqual({ records: [{ n: 9 }], replaced: true });
      writer.append({ n: 10 });
      expect(reader.readNew()).toEqual({ records: [{ n: 10 }], replaced: false });
      writer.close();
    } finally {
      await remove();
    }
  });

  it('the registry reports what changed: added, changed, deleted, and what a compaction dropped', async () => {
    const { dir, remove } = await makeTempDir();
    try {
      const writer = new DocumentRegistry(dir);
      writer.put(record('a', { status: 'ready', chunks: 2 }));
      const reader = new DocumentRegistry(dir, { readOnly: true });
      expect(reader.refresh()).toEqual([]);
      writer.put(record('b'));
      writer.put(record('a', { status: 'ready', chunks: 3, updatedAt: 2 }));
      const changes = reader.refresh();
      expect(changes.map((c) => [c.id, c.before?.chunks, c.after?.chunks])).toEqual([
        ['b', undefined, 0],
        ['a', 2, 3],
      ]);
      writer.delete('b');
      expect(reader.refresh().map((c) => [c.id, c.after])).toEqual([['b', undefined]]);
      expect(reader.totals()).toMatchObject({ documents: 1, chunks: 3 });
      // A compaction rewrites the file: a document it no longer holds was deleted meanwhile.
      writer.put(record('c'));
      writer.delete('a');
      writer.close();
      // Opening folds a history that outweighs the live state (6 records, 1 document).
      new DocumentRegistry(dir).close();
      expect(reader.refresh().map((c) => [c.id, Boolean(c.before), Boolean(c.after)])).toEqual([
        ['a', true, false],
        ['c', false, true],
      ]);
      expect(reader.all().map((d) => d.id)).toEqual(['c']);
      reader.close();
    } finally {
      await remove();
    }
  });
});

if (tmpfsUnavailable) console.warn(`Skipping the full-disk journal tests: ${tmpfsUnavailable}`);

describe.skipIf(tmpfsUnavailable !== null)('the journal on a full disk (a real tmpfs)', () => {
  let root: string;
  let remove: () => Promise<void>;
  let mount: string;
  beforeAll(async () => {
    ({ dir: root, remove } = await makeTempDir('quire-journal-'));
    mount = path.join(root, 'mnt');
    mountTmpfs(mount, 1);
  });
  afterAll(async () => {
    unmountTmpfs(mount);
    await remove();
  });

  it('fails an append with disk_full, leaves the file on whole records, and appends again once space is freed', () => {
    const file = path.join(mount, 'a', 'log.jsonl');
    const journal = new Journal<Entry>(file);
    for (let n = 0; n < 5; n++) journal.append(entry(n));
    const filler = path.join(mount, 'filler');
    fillDisk(filler);

    for (let n = 5; n < 8; n++) expect(() => journal.append(entry(n))).toThrow(/disk is full/);
    try {
      journal.append(entry(99));
    } catch (error) {
      expect(error).toMatchObject({ code: 'disk_full', retryable: true });
    }
    expect(lines(file).at(-1)).toBe(''); // ends on a newline: no half record
    expect(new Journal<Entry>(file).load().map((e) => e.n)).toEqual([0, 1, 2, 3, 4]);

    // Compaction cannot write its copy either: the old journal stays, no temp file is left.
    expect(() => journal.compact([entry(0)])).toThrow(/disk is full/);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
    expect(new Journal<Entry>(file).load().map((e) => e.n)).toEqual([0, 1, 2, 3, 4]);

    fs.rmSync(filler);
    journal.append(entry(5));
    journal.close();
    expect(new Journal<Entry>(file).load().map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5]);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('the registry changes nothing on a failed put, and a restart sees the last saved state', () => {
    const data = path.join(mount, 'registry');
    const registry = new DocumentRegistry(data);
    registry.put(record('a', { status: 'ready', chunks: 3, name: 'a'.repeat(5000) }));
    registry.put(record('b', { status: 'parsing', name: 'b'.repeat(5000) }));
    const filler = path.join(mount, 'filler');
    fillDisk(filler);

    expect(() => registry.put(record('c', { name: 'c'.repeat(9000) }))).toThrow(/disk is full/);
    expect(registry.get('c')).toBeUndefined();
    // Best effort (a failure while indexing): memory moves on, the journal keeps the old state.
    const failed = record('b', {
      status: 'failed',
      error: { code: 'disk_full', message: 'full' },
      name: 'b'.repeat(9000),
    });
    expect(registry.putBestEffort(failed)).toBe(false);
    expect(registry.get('b')?.status).toBe('failed');
    registry.close();

    // A restart on the still-full disk: it opens, and the document caught mid-flight is queued.
    const restarted = new DocumentRegistry(data);
    expect(restarted.all().map((d) => [d.id, d.status, d.chunks])).toEqual([
      ['a', 'ready', 3],
      ['b', 'queued', 0],
    ]);
    restarted.close();
    fs.rmSync(filler);
    const freed = new DocumentRegistry(data);
    freed.put(record('c'));
    freed.close();
    expect(new DocumentRegistry(data).all().map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });
});
