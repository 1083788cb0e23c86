import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { documentStream, LIBRARY_STREAM } from '../../../shared/streams';
import {
  CRASHING_WORKER,
  makeTestCore,
  PDF_DIR,
  writeNotes,
} from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import type { QuireCore } from '../quire-core';

describe('the library, end to end with real workers, parsers, embeddings and LanceDB', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore | null = null;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(async () => {
    await core?.close();
    core = null;
    await remove();
  });

  it('indexes every fixture PDF to ready or to the expected failure, with page numbers on chunks', async () => {
    core = await makeTestCore(path.join(dir, 'data'));
    const { added } = await core.library.add([PDF_DIR]);
    expect(added).toHaveLength(10);
    await core.library.whenIdle();
    const byName = Object.fromEntries(core.library.documents().map((d) => [d.name, d]));
    const expected: Record<string, string> = {
      'acl_naacl06_two_column_paper.pdf': 'ready',
      'latex_two_column_lorem.pdf': 'ready',
      'irs_i1040nr_instructions_50p.pdf': 'ready',
      'geotopo_de_117p.pdf': 'ready',
      'korean_text_with_tables.pdf': 'ready',
      'pdfa_crazyones.pdf': 'ready',
      'dmca_summary_18p_rc4.pdf': 'ready',
      'corrupted_zlib_stream.pdf': 'ready',
      'encrypted_userpw_openpassword.pdf': 'password_required',
      // Read by OCR (on by default).
      'scanned_loremipsum_image_only.pdf': 'ready',
    };
    const outcome = Object.fromEntries(
      Object.entries(byName).map(([name, d]) => [
        name,
        d.status === 'ready' ? 'ready' : d.error?.code,
      ]),
    );
    expect(outcome).toEqual(expected);
    for (const doc of Object.values(byName).filter((d) => d.status === 'ready')) {
      expect(await core.store.countChunks(doc.id)).toBe(doc.chunks);
      expect(doc.vectorsPending).toBe(false);
    }
    // The German book: a chunk's page is the page whose text holds it.
    const german = byName['geotopo_de_117p.pdf']!;
    expect(german.pages).toBe(117);
    const chunks = await core.store.lance.getChunks(german.id);
    const sample = chunks.find((c) => c.pageStart === 50)!;
    expect(sample.pageEnd).toBe(50);
    const { openDocument } = await import('../parsers');
    const opened = await openDocument(path.join(PDF_DIR, 'geotopo_de_117p.pdf'));
    let page50 = '';
    for await (const section of opened.sections) if (section.page === 50) page50 += section.text;
    expect(page50.slice(sample.charStart, sample.charEnd)).toBe(sample.text);

    // The user supplies the password and retries.
    const locked = byName['encrypted_userpw_openpassword.pdf']!;
    core.library.requeue(locked.id, { password: 'openpassword' });
    await core.library.whenIdle();
    expect(core.library.registry.get(locked.id)).toMatchObject({ status: 'ready', error: null });
  }, 240_000);

  it('does no work for an unchanged file, replaces a changed one, and deletes chunks on removal', async () => {
    core = await makeTestCore(path.join(dir, 'data'));
    const [a, b] = writeNotes(path.join(dir, 'docs'), 2);
    await core.library.add([a!, b!]);
    await core.library.whenIdle();
    const docA = core.library.registry.byPath(a!)!;
    const before = await core.store.lance.version();
    const events: StreamEvent[] = [];
    core.hub.onAnyEvent((e) => events.push(e));
    expect(await core.library.add([a!])).toMatchObject({ added: [], unchanged: [a] });
    // Same bytes, new timestamp: hashed, found equal, still no work.
    fs.utimesSync(a!, new Date(), new Date(Date.now() + 5000));
    expect(await core.library.add([a!])).toMatchObject({ added: [], unchanged: [a] });
    await core.library.whenIdle();
    expect(events.filter((e) => e.type !== 'queue.state')).toEqual([]);
    expect(await core.store.lance.version()).toBe(before);

    fs.writeFileSync(a!, '# Changed\n\nA single new paragraph about glaciers.\n');
    await core.library.add([a!]);
    await core.library.whenIdle();
    const chunks = await core.store.lance.getChunks(docA.id);
    expect(chunks.map((c) => c.text).join(' ')).toContain('glaciers');
    expect(chunks.map((c) => c.text).join(' ')).not.toContain('Paragraph 0 of note 0');
    expect(core.library.registry.get(docA.id)!.chunks).toBe(chunks.length);

    await core.library.remove(docA.id);
    expect(await core.store.countChunks(docA.id)).toBe(0);
    expect(core.library.registry.get(docA.id)).toBeUndefined();
  });

  it("emits each document's events in order with contiguous seq, and progress never goes backwards", async () => {
    core = await makeTestCore(path.join(dir, 'data'));
    const files = writeNotes(path.join(dir, 'docs'), 6);
    const events: StreamEvent[] = [];
    core.hub.onAnyEvent((e) => events.push(e));
    await core.library.add([
      path.join(dir, 'docs'),
      path.join(PDF_DIR, 'irs_i1040nr_instructions_50p.pdf'),
    ]);
    await core.library.whenIdle();
    const library = events.filter((e) => e.stream === LIBRARY_STREAM).map((e) => e.seq);
    expect(library).toEqual(Array.from({ length: library.length }, (_, i) => library[0]! + i));
    for (const file of [...files, path.join(PDF_DIR, 'irs_i1040nr_instructions_50p.pdf')]) {
      const doc = core.library.registry.byPath(file)!;
      const own = events.filter((e) => e.stream === documentStream(doc.id));
      expect(own.map((e) => e.seq)).toEqual(own.map((_, i) => i + 1));
      expect(own[0]!.type).toBe('document.added');
      expect(own.at(-1)!.type).toBe('document.ready');
      const fractions = own.flatMap((e) =>
        e.type === 'document.progress' ? [e.data.fraction] : [],
      );
      expect(fractions.length).toBeGreaterThan(1);
      expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
    }
    const irs = events.filter(
      (e) =>
        e.type === 'document.progress' &&
        e.stream ===
          documentStream(
            core!.library.registry.byPath(path.join(PDF_DIR, 'irs_i1040nr_instructions_50p.pdf'))!
              .id,
          ),
    );
    expect(new Set(irs.map((e) => (e.type === 'document.progress' ? e.data.stage : '')))).toEqual(
      new Set(['parsing', 'chunking', 'embedding', 'writing']),
    );
  });

  it('replaces a worker that crashes mid-document: that document fails, the others finish, and the app keeps working', async () => {
    core = await makeTestCore(path.join(dir, 'data'), { workerEntry: CRASHING_WORKER });
    const docs = path.join(dir, 'docs');
    writeNotes(docs, 5);
    writeNotes(docs, 1, 'CRASHME');
    const started = Date.now();
    await core.library.add([docs]);
    await core.library.whenIdle();
    const settledMs = Date.now() - started;
    const states = core.library.documents().map((d) => [d.name, d.status, d.error?.code ?? null]);
    expect(states.filter(([, status]) => status === 'ready')).toHaveLength(5);
    expect(states.find(([name]) => String(name).startsWith('CRASHME'))).toEqual([
      'CRASHME-000.md',
      'failed',
      'worker_crashed',
    ]);
    const crashed = core.library.documents().find((d) => d.name === 'CRASHME-000.md')!;
    expect(crashed.error!.message).toMatch(/crashed the indexer/);

    // The replacement workers index and embed, and search (which embeds its query) works.
    const [later] = writeNotes(path.join(dir, 'later'), 1, 'later');
    await core.library.add([later!]);
    await core.library.whenIdle();
    const laterDoc = core.library.registry.byPath(later!)!;
    expect(laterDoc).toMatchObject({ status: 'ready', vectorsPending: false });
    const found = await core.retriever.search('river topic item', { k: 50 });
    expect(found.mode).toBe('hybrid');
    const ids = new Set(found.hits.map((h) => h.docId));
    expect(ids.has(laterDoc.id)).toBe(true);
    expect(ids.has(crashed.id)).toBe(false);
    expect(ids.size).toBe(6);
    console.info(
      `worker crash: 6 documents settled in ${settledMs} ms; "${crashed.error!.message}"`,
    );
  });

  it('indexes for full-text search without an embedding model, and embeds once the model is there', async () => {
    const noModels = path.join(dir, 'empty-models');
    fs.mkdirSync(noModels);
    core = await makeTestCore(path.join(dir, 'data'), { modelDir: noModels });
    const files = writeNotes(path.join(dir, 'docs'), 3);
    await core.library.add(files);
    await core.library.whenIdle();
    const docs = core.library.documents();
    expect(docs.map((d) => [d.status, d.vectorsPending])).toEqual(Array(3).fill(['ready', true]));
    expect(await core.store.lance.countVectors()).toBe(0);
    await core.close();

    core = await makeTestCore(path.join(dir, 'data'));
    await core.library.whenIdle();
    expect(
      core.library
        .documents()
        .every((d) => !d.vectorsPending && d.embeddingModel === 'quire-test/bow'),
    ).toBe(true);
    expect(await core.store.lance.countVectors()).toBe(await core.store.countChunks());
  });

  it('cancels, pauses and resumes', async () => {
    core = await makeTestCore(path.join(dir, 'data'));
    core.library.setPaused(true);
    const files = writeNotes(path.join(dir, 'docs'), 4);
    await core.library.add(files);
    const first = core.library.registry.byPath(files[0]!)!;
    core.library.cancel(first.id);
    expect(core.library.registry.get(first.id)!.status).toBe('cancelled');
    expect(core.library.documents().filter((d) => d.status === 'queued')).toHaveLength(3);
    core.library.setPaused(false);
    await core.library.whenIdle();
    expect(core.library.snapshot().totals).toMatchObject({ documents: 4, indexing: 0, failed: 0 });
    core.library.requeue(first.id);
    await core.library.whenIdle();
    expect(core.library.registry.get(first.id)!.status).toBe('ready');
  });
});
