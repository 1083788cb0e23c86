// Fuzzed files through the real library: real workers, real LanceDB. Each batch of random and
// damaged files ends with every file ready or failed with a document code, and the documents
// indexed before stay intact and searchable, also after a restart.
// A failure prints fast-check's seed and path; pass them back as { seed, path } to replay it.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentInfo } from '../../../shared/documents';
import type { ErrorCode } from '../../../shared/errors';
import { minimalDocx, minimalPdf } from '../../../test/helpers/parser-fixtures';
import type { QuireCore } from '../quire-core';
import { makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

const DOCUMENT_CODES: ErrorCode[] = [
  'corrupt_file',
  'empty_file',
  'binary_content',
  'password_required',
  'no_text_layer',
  'too_large',
];

const validPdf = new Uint8Array(minimalPdf(['A page about glaciers and ice.', 'Another page.']));
const validDocx = new Uint8Array(minimalDocx([{ text: 'Volcanoes erupt lava.' }]));

const damage = (valid: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
    fc
      .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 10,
      })
      .map((flips) => {
        const copy = valid.slice();
        for (const [at, value] of flips) copy[at] = value;
        return copy;
      }),
  );

const fuzzedFile = fc.oneof(
  fc.record({ ext: fc.constant('.pdf'), bytes: damage(validPdf) }),
  fc.record({ ext: fc.constant('.docx'), bytes: damage(validDocx) }),
  fc.record({
    ext: fc.constantFrom('.md', '.txt', '.html'),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc.string({ unit: 'binary', maxLength: 3000 }).map((s) => new TextEncoder().encode(s)),
    ),
  }),
);

const SETTLED = new Set(['ready', 'failed']);

describe('fuzzed files through the real library (property)', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore | null = null;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(async () => {
    await core?.close();
    core = null;
    await remove();
  });

  it('keeps earlier documents intact and searchable whatever comes after them', async () => {
    const data = path.join(dir, 'data');
    core = await makeTestCore(data, { keychain: false });
    const good = writeNotes(path.join(dir, 'good'), 3);
    await core.library.add(good);
    await core.library.whenIdle();
    const before = new Map(
      core.library.documents().map((d): [string, DocumentInfo] => [d.path, d]),
    );
    expect([...before.values()].map((d) => d.status)).toEqual(['ready', 'ready', 'ready']);

    const expectIntact = async (c: QuireCore) => {
      const docs = c.library.documents();
      for (const file of good) {
        const doc = docs.find((d) => d.path === file);
        expect(doc, file).toMatchObject({
          status: 'ready',
          chunks: before.get(file)!.chunks,
          error: null,
        });
      }
      const result = await c.retriever.search('Paragraph 0 of note 2 talks about topic', { k: 5 });
      expect(result.hits.some((h) => h.text.includes('note 2'))).toBe(true);
    };

    let batch = 0;
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzedFile, { minLength: 5, maxLength: 12 }), async (files) => {
        const folder = path.join(dir, `fuzz-${batch++}`);
        fs.mkdirSync(folder);
        const paths = files.map((f, i) => {
          const file = path.join(folder, `case-${i}${f.ext}`);
          fs.writeFileSync(file, f.bytes);
          return file;
        });
        await core!.library.add(paths);
        await core!.library.whenIdle();
        const docs = core!.library.documents().filter((d) => paths.includes(d.path));
        for (const doc of docs) {
          expect(SETTLED.has(doc.status), `${doc.name} is ${doc.status}`).toBe(true);
          if (doc.status === 'failed') expect(DOCUMENT_CODES).toContain(doc.error?.code);
          const key = doc.error?.code ?? doc.status;
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
        await expectIntact(core!);
      }),
      // A batch that hangs fails on its own with fast-check's seed, which replays it; shrinking
      // one hung batch after another would outlast the test's time limit.
      { numRuns: 15, timeout: 60_000, endOnFailure: true },
    );
    console.info(`fuzzed files indexed: ${JSON.stringify(Object.fromEntries(tally))}`);

    // Nothing stored was lost: a fresh core over the same data folder sees the same library.
    const settledBefore = core.library.documents().length;
    await core.close();
    core = await makeTestCore(data, { keychain: false });
    await core.library.whenIdle();
    expect(core.library.documents().length).toBe(settledBefore);
    await expectIntact(core);
  });
});

describe('a PDF whose page tree is damaged where pdf.js only prefetches', () => {
  it('fails with a document error instead of crashing the worker', async () => {
    const { dir, remove } = await makeTempDir();
    const core = await makeTestCore(path.join(dir, 'data'), { keychain: false });
    try {
      // Bytes flipped by the fuzz test (offset, value). pdf.js opens the file, then leaves the
      // rejection of a page node it only prefetched unhandled.
      const bytes = new Uint8Array(minimalPdf(['First page text.', null, 'Third page text.']));
      const flips = [
        [130, 191],
        [198, 108],
        [277, 195],
        [401, 149],
        [410, 17],
        [479, 178],
        [512, 202],
        [542, 246],
        [595, 109],
        [646, 71],
        [680, 96],
        [818, 101],
        [823, 45],
        [1082, 119],
      ];
      for (const [at, value] of flips) bytes[at!] = value!;
      const file = path.join(dir, 'page-tree.pdf');
      fs.writeFileSync(file, bytes);
      await core.library.add([file]);
      await core.library.whenIdle();
      const [doc] = core.library.snapshot().documents;
      expect(doc?.status).toBe('failed');
      expect(doc?.error?.code).not.toBe('worker_crashed');
      expect(DOCUMENT_CODES).toContain(doc?.error?.code);
    } finally {
      await core.close();
      await remove();
    }
  });
});
