import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import {
  fillDisk,
  freeBytes,
  mountTmpfs,
  tmpfsUnavailable,
  unmountTmpfs,
} from '../../../test/helpers/tmpfs';
import type { QuireCore } from '../quire-core';

const MB = 1024 * 1024;
let root: string;
let remove: () => Promise<void>;
let mount: string;
let core: QuireCore | null = null;

if (tmpfsUnavailable) console.warn(`Skipping the full-disk indexing test: ${tmpfsUnavailable}`);

beforeAll(async () => {
  ({ dir: root, remove } = await makeTempDir('quire-disk-full-'));
  mount = path.join(root, 'mnt');
  if (!tmpfsUnavailable) mountTmpfs(mount, 24);
});
afterAll(async () => {
  await core?.close();
  if (!tmpfsUnavailable) unmountTmpfs(mount);
  await remove();
});

/** About 1.7 MB of Markdown: stored with its vectors it needs several times the room left. */
function writeBigDocument(file: string): void {
  const sections = Array.from(
    { length: 12_000 },
    (_, i) =>
      `## Section ${i}\n\nZeppelin log ${i}: the airship crossed river ${i % 97} near mountain ` +
      `${i % 89}, and the crew wrote at length about the weather that day (${i}).\n`,
  );
  fs.writeFileSync(file, sections.join('\n'));
}

function docIds(hits: { docId: string }[]): Set<string> {
  return new Set(hits.map((h) => h.docId));
}

function journalLines(dataDir: string): unknown[] {
  const text = fs.readFileSync(path.join(dataDir, 'library', 'documents.jsonl'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown); // throws on a torn or merged line
}

it.skipIf(tmpfsUnavailable !== null)(
  'a full disk fails the document with disk_full, keeps earlier documents searchable, and a retry succeeds once space is freed',
  async () => {
    const dataDir = path.join(mount, 'data');
    const docs = path.join(root, 'docs');
    const notes = writeNotes(docs, 3);
    const big = path.join(docs, 'zeppelin-log.md');
    writeBigDocument(big);

    core = await makeTestCore(dataDir);
    await core.library.add(notes);
    await core.library.whenIdle();
    const ready = core.library.documents();
    expect(ready.map((d) => d.status)).toEqual(['ready', 'ready', 'ready']);
    const noteIds = new Set(ready.map((d) => d.id));

    // Leave 3 MB: enough for the journal and small writes, far too little for the big document.
    const filler = path.join(mount, 'filler');
    fillDisk(filler, 3 * MB);
    const started = Date.now();
    await core.library.add([big]);
    await core.library.whenIdle();
    const failedAfterMs = Date.now() - started;
    const bigDoc = core.library.registry.byPath(big)!;
    expect(bigDoc).toMatchObject({ status: 'failed', error: { code: 'disk_full' } });
    expect(bigDoc.error!.message).toMatch(/disk is full/i);
    console.info(
      `disk full: failed after ${failedAfterMs} ms with "${bigDoc.error!.message}"; ` +
        `${(freeBytes(mount) / MB).toFixed(1)} MB free afterwards`,
    );

    // The earlier documents are still there and searchable.
    expect(core.library.documents().filter((d) => d.status === 'ready')).toHaveLength(3);
    const during = await core.retriever.search('river topic', { k: 20 });
    expect(docIds(during.hits)).toEqual(noteIds);
    expect(await core.store.countChunks(bigDoc.id)).toBe(0); // nothing half-written

    // Restart on the same folder with the disk filled to the last byte: it starts, and the
    // journal reads back whole.
    await core.close();
    core = null;
    const rest = path.join(mount, 'filler-rest');
    fillDisk(rest);
    expect(freeBytes(mount)).toBe(0);
    expect(journalLines(dataDir).length).toBeGreaterThan(0);
    core = await makeTestCore(dataDir);
    await core.library.whenIdle();
    const restarted = core.library.documents();
    expect(restarted.filter((d) => noteIds.has(d.id)).map((d) => d.status)).toEqual([
      'ready',
      'ready',
      'ready',
    ]);
    expect(core.library.registry.get(bigDoc.id)).toMatchObject({
      status: 'failed',
      error: { code: 'disk_full' },
    });
    expect(docIds((await core.retriever.search('river topic', { k: 20 })).hits)).toEqual(noteIds);

    // Free the space and retry: the document is indexed and found.
    fs.rmSync(filler);
    fs.rmSync(rest);
    const retried = Date.now();
    const result = await core.dispatch(
      'library.retry',
      { documentId: bigDoc.id },
      { transport: 'memory', connection: null },
    );
    expect(result).toMatchObject({ ok: true, value: { status: 'queued' } });
    await core.library.whenIdle();
    const readyAfterMs = Date.now() - retried;
    const indexed = core.library.registry.get(bigDoc.id)!;
    expect(indexed).toMatchObject({ status: 'ready', error: null });
    expect(indexed.chunks).toBeGreaterThan(1000);
    expect(await core.store.countChunks(bigDoc.id)).toBe(indexed.chunks);
    const found = await core.retriever.search('zeppelin airship crew', { k: 5 });
    expect(found.hits.map((h) => h.docId)).toContain(bigDoc.id);
    expect(docIds((await core.retriever.search('river topic', { k: 50 })).hits)).toContain(
      ready[0]!.id,
    );
    console.info(
      `after freeing space: retry ready in ${readyAfterMs} ms, ${indexed.chunks} chunks`,
    );
    expect(journalLines(dataDir).length).toBeGreaterThan(0);
  },
  240_000,
);
