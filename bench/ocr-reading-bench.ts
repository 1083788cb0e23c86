// npx tsx bench/ocr-reading-bench.ts [--json]
// Reading order: the share of pdftotext's sentences (whole sentences inside one of its
// paragraphs) found word for word in Quire's page text and in one stored passage, with the
// XY-cut layout and with the old content-stream rule. OCR: seconds per page for the scanned
// fixture at 200 dpi (what indexing uses) and 300 dpi, tesseract's start-up apart.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCanvas } from '@napi-rs/canvas';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { approximateTokenCounter } from '../electron/core/indexing/approximate-tokens';
import { chunkSections } from '../electron/core/indexing/chunker';
import { createOcrEngine } from '../electron/core/parsers/ocr';
import { normalizeText, referenceSentences } from '../test/helpers/pdftotext-reference';
import type { ParsedSection } from '../electron/core/parsers/types';
import { layoutPageText, type ContentPart } from '../shared/pdf-page-text';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const PDFS = fileURLToPath(new URL('../../shared/fixtures/pdfs/', import.meta.url));

const norm = normalizeText;
const sentences = (file: string, page: number) => referenceSentences(file, page);

async function readingOrder(name: string) {
  const file = path.join(PDFS, name);
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 })
    .promise;
  const result = { total: 0, page: 0, passage: 0, streamPage: 0 };
  for (let n = 1; n <= doc.numPages; n++) {
    const items = (await (await doc.getPage(n)).getTextContent()).items as ContentPart[];
    const text = layoutPageText(items).text;
    // Without widths the shared rule falls back to content-stream order: the old behaviour.
    const stream = layoutPageText(items.map((i) => ({ ...i, width: undefined }))).text;
    const section: ParsedSection = { page: n, text, charStart: 0, headingPath: [] };
    const passages: string[] = [];
    for await (const c of chunkSections(
      (async function* () {
        yield section;
      })(),
      approximateTokenCounter,
      { maxTokens: 256, overlapTokens: 32 },
    ))
      passages.push(norm(c.text));
    const pageText = norm(text);
    const streamText = norm(stream);
    for (const s of sentences(file, n)) {
      result.total++;
      if (pageText.includes(s)) result.page++;
      if (streamText.includes(s)) result.streamPage++;
      if (passages.some((p) => p.includes(s))) result.passage++;
    }
  }
  await doc.destroy();
  return { name, ...result };
}

async function ocrTimes(dpi: number, runs: number) {
  const file = path.join(PDFS, 'scanned_loremipsum_image_only.pdf');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 })
    .promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const engine = createOcrEngine();
  const times: { renderMs: number; ocrMs: number; words: number }[] = [];
  const startAt = performance.now();
  await engine.recognize(createCanvas(32, 32).toBuffer('image/png'), 32);
  const startupMs = performance.now() - startAt;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const params = { canvas, canvasContext: ctx, viewport };
    await page.render(params as unknown as Parameters<typeof page.render>[0]).promise;
    const png = await canvas.encode('png');
    const t1 = performance.now();
    const { items } = await engine.recognize(png, canvas.height);
    times.push({ renderMs: t1 - t0, ocrMs: performance.now() - t1, words: items.length });
  }
  await engine.close();
  await doc.destroy();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return {
    dpi,
    pixels: `${Math.ceil(viewport.width)}x${Math.ceil(viewport.height)}`,
    startupMs: Math.round(startupMs),
    renderMs: Math.round(median(times.map((t) => t.renderMs))),
    ocrSecondsPerPage: Math.round(median(times.map((t) => t.ocrMs)) / 100) / 10,
    words: times[0]!.words,
  };
}

const machine = {
  cpu: os.cpus()[0]?.model,
  cores: os.availableParallelism(),
  load: os.loadavg().map((l) => l.toFixed(2)),
  node: process.version,
};
const order = [];
for (const name of [
  'acl_naacl06_two_column_paper.pdf',
  'latex_two_column_lorem.pdf',
  'irs_i1040nr_instructions_50p.pdf',
])
  order.push(await readingOrder(name));
const ocr = [await ocrTimes(200, 3), await ocrTimes(300, 3)];
const report = { machine, readingOrder: order, ocr };
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  console.log(machine);
  for (const r of order) {
    const pct = (n: number) => `${((100 * n) / r.total).toFixed(1)} %`;
    console.log(
      `${r.name}: ${r.total} sentences; page text ${pct(r.page)}, one passage ${pct(r.passage)}; old stream order ${pct(r.streamPage)}`,
    );
  }
  for (const o of ocr) console.log(o);
}
