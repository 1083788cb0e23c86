import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { LIBRARY_STREAM } from '../../../shared/streams';
import { makeTestCore, PDF_DIR, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import type { QuireCore } from '../quire-core';

const ctx = { transport: 'memory' as const, connection: null };
let dir: string;
let remove: () => Promise<void>;
let core: QuireCore | null = null;

beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-damaged-')));
afterEach(async () => {
  await core?.close();
  core = null;
  await remove();
});

function docIdSet(hits: { docId: string }[]): Set<string> {
  return new Set(hits.map((h) => h.docId));
}

/** The newest data file of the chunks table: the one the latest version reads. */
function newestChunkFragment(dataDir: string): string {
  const folder = path.join(dataDir, 'lancedb', 'chunks.lance', 'data');
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.lance'))
    .map((f) => path.join(folder, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  expect(files.length).toBeGreaterThan(0);
  return files[0]!;
}

it('a deleted chunks fragment: Quire starts, reports the damaged table, search fails with table_damaged, and a rebuild from the files restores search', async () => {
  const dataDir = path.join(dir, 'data');
  const files = [
    ...writeNotes(path.join(dir, 'docs'), 4),
    path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf'),
  ];
  core = await makeTestCore(dataDir);
  await core.library.add(files);
  await core.library.whenIdle();
  const docs = core.library.documents();
  expect(docs.map((d) => d.status)).toEqual(Array(5).fill('ready'));
  const allIds = new Set(docs.map((d) => d.id));
  const before = await core.retriever.search('river topic note', { k: 50 });
  expect(before.hits.length).toBeGreaterThan(0);
  await core.close();
  core = null;

  fs.rmSync(newestChunkFragment(dataDir));

  // It starts, and the start-up check finds the damage.
  const startedAt = Date.now();
  core = await makeTestCore(dataDir);
  const events: StreamEvent[] = [];
  core.hub.onAnyEvent((e) => events.push(e));
  const health = await core.library.checkIndex();
  const detectedMs = Date.now() - startedAt;
  expect(health).toMatchObject({
    status: 'damaged',
    damagedTables: ['chunks'],
    error: { code: 'table_damaged' },
  });
  expect(health.error!.message).toMatch(/damaged.*Rebuild/i);
  // What the renderer sees: the library snapshot through the contract.
  const listed = await core.dispatch('library.list', {}, ctx);
  expect(listed).toMatchObject({ ok: true, value: { index: { status: 'damaged' } } });

  // A search against the damaged table is a clear, typed error, not a crash.
  for (const mode of ['text', 'hybrid', 'vector'] as const) {
    await expect(core.retriever.search('river', { mode })).rejects.toMatchObject({
      code: 'table_damaged',
    });
  }

  // Indexing goes on meanwhile: a new document is appended (its rows land in readable
  // fragments) or fails with table_damaged; the rebuild indexes it again either way.
  const [late] = writeNotes(path.join(dir, 'late'), 1, 'late');
  await core.library.add([late!]);
  await core.library.whenIdle();
  const lateDoc = core.library.registry.byPath(late!)!;
  if (lateDoc.status === 'failed') expect(lateDoc.error?.code).toBe('table_damaged');
  else expect(lateDoc.status).toBe('ready');

  // The rebuild, as the renderer's button calls it.
  const rebuildStarted = Date.now();
  const rebuilt = await core.dispatch('library.rebuildIndex', {}, ctx);
  expect(rebuilt).toMatchObject({ ok: true, value: { status: 'ok', error: null } });
  await core.library.whenIdle();
  const rebuildMs = Date.now() - rebuildStarted;
  const after = core.library.snapshot();
  expect(after.index.status).toBe('ok');
  expect(after.documents.map((d) => [d.status, d.chunks > 0])).toEqual(
    Array(6).fill(['ready', true]),
  );
  expect(await core.library.checkIndex()).toMatchObject({ status: 'ok' });
  const found = await core.retriever.search('river topic note', { k: 50 });
  expect(docIdSet(found.hits)).toEqual(new Set([...docIdSet(before.hits), lateDoc.id]));
  const notes = await core.retriever.search('river', { k: 50, mode: 'text' });
  expect(docIdSet(notes.hits).size).toBe(5); // every note (and the late one), by full text
  expect(allIds.size).toBe(5);
  console.info(
    `damaged index: start + check ${detectedMs} ms; "${health.error!.message}"; ` +
      `rebuild of ${after.documents.length} documents (${after.totals.chunks} chunks) ${rebuildMs} ms`,
  );

  const healthEvents = events.filter(
    (e) => e.stream === LIBRARY_STREAM && e.type === 'index.health',
  );
  expect(healthEvents.map((e) => (e.type === 'index.health' ? e.data.status : ''))).toEqual([
    'damaged',
    'rebuilding',
    'ok',
  ]);
}, 240_000);

it('a damaged chunks manifest: Quire starts with the table set aside, reports it, and a rebuild restores search', async () => {
  const dataDir = path.join(dir, 'data');
  const files = writeNotes(path.join(dir, 'docs'), 3);
  core = await makeTestCore(dataDir);
  await core.library.add(files);
  await core.library.whenIdle();
  const ids = new Set(core.library.documents().map((d) => d.id));
  await core.close();
  core = null;
  const versions = path.join(dataDir, 'lancedb', 'chunks.lance', '_versions');
  for (const file of fs.readdirSync(versions)) fs.writeFileSync(path.join(versions, file), 'x');

  core = await makeTestCore(dataDir);
  expect(await core.library.checkIndex()).toMatchObject({
    status: 'damaged',
    damagedTables: ['chunks'],
    error: { code: 'table_damaged' },
  });
  // The damaged bytes are kept beside the new, empty table until the rebuild succeeds.
  const lancedb = path.join(dataDir, 'lancedb');
  expect(fs.readdirSync(lancedb).filter((f) => f.startsWith('chunks.lance.damaged-'))).toHaveLength(
    1,
  );
  expect((await core.retriever.search('river', { mode: 'text' })).hits).toEqual([]);

  await core.library.rebuildIndex();
  await core.library.whenIdle();
  expect(core.library.indexHealth.status).toBe('ok');
  expect(await core.library.checkIndex()).toMatchObject({ status: 'ok' });
  expect(fs.readdirSync(lancedb).some((f) => f.includes('.damaged-'))).toBe(false);
  const found = await core.retriever.search('river', { mode: 'text', k: 50 });
  expect(docIdSet(found.hits)).toEqual(ids);
}, 240_000);
