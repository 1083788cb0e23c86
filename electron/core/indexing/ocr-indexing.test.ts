// Scanned pages through the real library: a real indexing worker renders the page with
// pdf.js onto @napi-rs/canvas, tesseract.js reads it with the npm traineddata, LanceDB
// stores the passages, and the viewer's data maps a citation back to word boxes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import { ocrItemBox } from '../../../shared/ocr-words';
import { highlightParts, layoutPageText } from '../../../shared/pdf-page-text';
import type { QuireCore } from '../quire-core';
import { makeTestCore, PDF_DIR } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

const SCAN = 'scanned_loremipsum_image_only.pdf';

describe('OCR while indexing', { timeout: 240_000 }, () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore;
  const events: StreamEvent[] = [];

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    const docs = path.join(dir, 'docs');
    fs.mkdirSync(docs);
    fs.copyFileSync(path.join(PDF_DIR, SCAN), path.join(docs, SCAN));
    core = await makeTestCore(path.join(dir, 'data'));
    core.hub.onAnyEvent((e) => events.push(e));
    await core.library.add([path.join(docs, SCAN)]);
    await core.library.whenIdle();
  }, 240_000);
  afterAll(async () => {
    await core?.close();
    await remove?.();
  });

  it('indexes the scan by OCR, telling which page it reads', () => {
    const doc = core.library.documents()[0]!;
    expect(doc).toMatchObject({ name: SCAN, status: 'ready', error: null });
    expect(doc.chunks).toBeGreaterThan(0);
    const labels = events
      .filter((e) => e.type === 'document.progress')
      .map((e) => (e.data as { label?: string }).label);
    expect(labels).toContain('Reading text from page 1 of 1 (OCR)');
  });

  it('finds page 1 when searching for words on the scan', async () => {
    const result = await core.retriever.search('consectetur adipiscing sollicitudin', {
      mode: 'text',
      k: 3,
    });
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits[0]).toMatchObject({ title: SCAN, pageStart: 1, pageEnd: 1 });
    expect(result.hits[0]!.text.toLowerCase()).toContain('sollicitudin');
    // Marked, so the sources list and the viewer can say the text came from OCR.
    expect(result.hits[0]!.ocr).toBe(true);
    expect(core.library.documents()[0]!.ocrPages).toEqual([1]);
  });

  it('gives the viewer word boxes that cover exactly the cited passage', async () => {
    const doc = core.library.documents()[0]!;
    const reply = await core.dispatch(
      'documents.content',
      { documentId: doc.id },
      { transport: 'memory', connection: null },
    );
    expect(reply.ok).toBe(true);
    const content = (reply as { ok: true; value: { ocr?: unknown } }).value as {
      ocr: { page: number; width: number; height: number; items: never[] }[];
    };
    const page = content.ocr.find((p) => p.page === 1)!;
    expect(page.width).toBeGreaterThan(1000);
    const chunk = (await core.store.lance.getChunks(doc.id))[0]!;
    const { text, spans } = layoutPageText(page.items);
    // The stored passage is the OCR page text at its offsets: the same rule on both sides.
    expect(text.slice(chunk.charStart, chunk.charEnd)).toBe(chunk.text);
    const parts = highlightParts(spans, chunk.charStart, chunk.charEnd);
    expect(parts.length).toBeGreaterThan(5);
    for (const part of parts) {
      const box = ocrItemBox(page.items[part.item]!, page.height);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.left + box.width).toBeLessThanOrEqual(page.width);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.top + box.height).toBeLessThanOrEqual(page.height);
    }
  });

  it('removing the document removes its OCR words from the data folder', async () => {
    const doc = core.library.documents()[0]!;
    const file = path.join(dir, 'data', 'ocr', `${doc.id}.json`);
    expect(fs.existsSync(file)).toBe(true);
    await core.library.remove(doc.id);
    expect(fs.existsSync(file)).toBe(false);
  });
});
