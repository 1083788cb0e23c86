import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { DocumentRegistry, type DocumentRecord } from './document-registry';
import { expandPaths } from './expand-paths';
import { ProgressTracker } from './progress-tracker';

function record(
  id: string,
  status: DocumentRecord['status'],
  file = `/docs/${id}.md`,
): DocumentRecord {
  return {
    id,
    path: file,
    name: path.basename(file),
    kind: 'markdown',
    size: 10,
    pages: null,
    status,
    chunks: 0,
    progress: null,
    error: null,
    vectorsPending: false,
    embeddingModel: null,
    addedAt: 1,
    updatedAt: 1,
    contentHash: null,
    mtimeMs: 1,
  };
}

describe('DocumentRegistry', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it('opened read-only, shows the same state but leaves the journal byte for byte', () => {
    const owner = new DocumentRegistry(dir);
    owner.put(record('a', 'ready'));
    owner.put(record('b', 'embedding'));
    owner.put(record('a', 'ready'));
    const journal = path.join(dir, 'library', 'documents.jsonl');
    const before = fs.readFileSync(journal, 'utf8');

    const reader = new DocumentRegistry(dir, { readOnly: true });

    expect(reader.get('b')?.status).toBe('queued');
    expect(reader.all().map((d) => d.id)).toEqual(['a', 'b']);
    expect(fs.readFileSync(journal, 'utf8')).toBe(before);
    owner.close();
    reader.close();
  });

  it('survives a restart and puts documents caught mid-flight back in the queue', () => {
    const first = new DocumentRegistry(dir);
    first.put(record('a', 'ready'));
    first.put(record('b', 'embedding'));
    first.put(record('c', 'queued'));
    first.put(record('d', 'failed'));
    first.delete('d');
    first.paused = true;
    first.saveMeta();
    // No close(): a killed process never gets to run it.
    const second = new DocumentRegistry(dir);
    expect(second.all().map((d) => [d.id, d.status])).toEqual([
      ['a', 'ready'],
      ['b', 'queued'],
      ['c', 'queued'],
    ]);
    expect(second.paused).toBe(true);
    expect(second.byPath('/docs/a.md')?.id).toBe('a');
    second.close();
  });

  it('opens a journal that is already compact without rewriting it', () => {
    const first = new DocumentRegistry(dir);
    for (const id of ['a', 'b', 'c']) first.put(record(id, 'ready'));
    first.close();
    const journal = path.join(dir, 'library', 'documents.jsonl');
    const before = fs.statSync(journal);
    const second = new DocumentRegistry(dir);
    // A compaction writes a new file and renames it over the old one: a new inode.
    expect(fs.statSync(journal).ino).toBe(before.ino);
    expect(second.all().map((d) => d.id)).toEqual(['a', 'b', 'c']);
    second.close();
  });

  it('folds a long history on open, and a crash after it still restores everything', () => {
    const first = new DocumentRegistry(dir);
    for (let round = 0; round < 5; round++)
      for (const id of ['a', 'b', 'c']) first.put({ ...record(id, 'ready'), chunks: round });
    first.put(record('d', 'writing'));
    first.delete('c');
    const journal = path.join(dir, 'library', 'documents.jsonl');
    const lineCount = () => fs.readFileSync(journal, 'utf8').trim().split('\n').length;
    expect(lineCount()).toBe(17);
    // Killed (no close) mid-write of one more record.
    fs.appendFileSync(journal, '{"t":"doc","doc":{"id":"e"');

    const second = new DocumentRegistry(dir);
    // meta, a, b and d (the document caught mid-flight went back to the queue).
    expect(lineCount()).toBe(4);
    second.put({ ...record('a', 'ready'), chunks: 9 });
    // Killed again, before any compaction: the next open replays the short history.
    const third = new DocumentRegistry(dir);
    expect(third.all().map((d) => [d.id, d.status, d.chunks])).toEqual([
      ['a', 'ready', 9],
      ['b', 'ready', 4],
      ['d', 'queued', 0],
    ]);
    expect(third.totals()).toEqual({ documents: 3, chunks: 13, indexing: 1, failed: 0 });
    second.close();
    third.close();
  });

  it('keeps its totals as documents change, without recounting', () => {
    const registry = new DocumentRegistry(dir);
    registry.put(record('a', 'queued'));
    registry.put({ ...record('a', 'ready'), chunks: 7 });
    registry.put({ ...record('b', 'ready'), chunks: 3 });
    registry.put(record('c', 'failed'));
    registry.put(record('d', 'embedding'));
    registry.delete('b');
    registry.put({ ...record('c', 'queued') });
    expect(registry.totals()).toEqual({ documents: 3, chunks: 7, indexing: 2, failed: 0 });
    registry.close();
  });

  it('ignores a torn last line left by a crash mid-write', () => {
    const first = new DocumentRegistry(dir);
    first.put(record('a', 'ready'));
    first.close();
    fs.appendFileSync(path.join(dir, 'library', 'documents.jsonl'), '{"t":"doc","doc":{"id":"b"');
    const second = new DocumentRegistry(dir);
    expect(second.all().map((d) => d.id)).toEqual(['a']);
    second.close();
  });
});

describe('expandPaths', () => {
  it('walks folders recursively and skips hidden and unsupported files with reasons', async () => {
    const { dir, remove } = await makeTempDir();
    fs.mkdirSync(path.join(dir, 'sub', '.git'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.md'), '# A');
    fs.writeFileSync(path.join(dir, 'sub', 'b.pdf'), '%PDF');
    fs.writeFileSync(path.join(dir, 'sub', 'c.exe'), 'MZ');
    fs.writeFileSync(path.join(dir, '.hidden.txt'), 'x');
    fs.writeFileSync(path.join(dir, 'sub', '.git', 'config.txt'), 'x');
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    const { files, skipped } = await expandPaths([dir, path.join(dir, 'missing.md')], (f) =>
      /\.(md|pdf|txt)$/.test(f),
    );
    expect(files.map((f) => path.relative(dir, f.path)).sort()).toEqual(['a.md', 'sub/b.pdf']);
    const reasons = Object.fromEntries(skipped.map((s) => [path.relative(dir, s.path), s.code]));
    expect(reasons).toMatchObject({
      '.hidden.txt': 'hidden_file',
      'sub/.git': 'hidden_file',
      'sub/c.exe': 'unsupported_type',
      'missing.md': 'file_missing',
    });
    await remove();
  });

  it("never walks into Quire's own data folder, even inside a folder being indexed", async () => {
    const { dir, remove } = await makeTempDir();
    const dataDir = path.join(dir, 'quire-data');
    fs.mkdirSync(path.join(dataDir, 'uploads'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'uploads', 'copy.md'), '# Uploaded copy');
    fs.writeFileSync(path.join(dir, 'notes.md'), '# Notes');
    const { files, skipped } = await expandPaths([dir], (f) => f.endsWith('.md'), { dataDir });
    expect(files.map((f) => path.relative(dir, f.path))).toEqual(['notes.md']);
    expect(skipped).toContainEqual(
      expect.objectContaining({ path: dataDir, reason: "Quire's own data folder is skipped." }),
    );
    await remove();
  });
});

describe('ProgressTracker', () => {
  it('never goes backwards across stages and paces repeated updates', () => {
    let now = 0;
    const tracker = new ProgressTracker(() => now, 100);
    const seen: number[] = [];
    const push = (p: ReturnType<ProgressTracker['update']>) => p && seen.push(p.fraction);
    push(tracker.update('parsing', 5, 10));
    now = 10;
    expect(tracker.update('parsing', 6, 10)).toBeNull(); // too soon
    now = 200;
    push(tracker.update('parsing', 10, 10));
    push(tracker.update('chunking', 3, 3));
    push(tracker.update('embedding', 0, 8));
    now = 400;
    push(tracker.update('embedding', 8, 8));
    push(tracker.update('parsing', 1, 10)); // a late report cannot move the bar back
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBeCloseTo(0.95, 2);
  });
});
