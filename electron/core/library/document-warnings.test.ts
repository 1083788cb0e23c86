import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readyWithWarnings } from '../../../shared/documents';
import { makeTestCore } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';

let dir = '';
let remove: () => Promise<void> = async () => {};
beforeEach(async () => ({ dir, remove } = await makeTempDir('quire-warnings-')));
afterEach(() => remove());

/** A two-page PDF, written by hand: page 1 has a line of text, page 2 is blank. */
function writeHalfBlankPdf(file: string) {
  const content = 'BT /F1 18 Tf 72 720 Td (The river carries melt water to the sea.) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  fs.writeFileSync(file, pdf, 'latin1');
}

it('a ready document that lost pages says so instead of a plain "Ready"', async () => {
  const data = path.join(dir, 'data');
  // With OCR off, the blank page is skipped with a notice rather than read from its image.
  const first = await makeTestCore(data);
  first.settings.update({
    ...first.settings.get(),
    indexing: { ...first.settings.get().indexing, ocr: false },
  });
  await first.close();
  const core = await makeTestCore(data);
  try {
    const file = path.join(dir, 'half-blank.pdf');
    writeHalfBlankPdf(file);
    await core.library.add([file]);
    await core.library.whenIdle();
    const [doc] = core.library.documents();
    expect(doc).toMatchObject({ status: 'ready', pages: 2 });
    expect(doc!.warnings).toEqual([
      expect.objectContaining({
        code: 'no_text_layer',
        message: expect.stringContaining('1 of 2 pages'),
      }),
    ]);
    expect(readyWithWarnings(doc!.warnings)).toBe('Ready, 1 notice');
  } finally {
    await core.close();
  }
});

it('counts unreadable pages for the short status', () => {
  expect(
    readyWithWarnings([
      { code: 'corrupt_file', message: 'Pages 3, 5 and 9 could not be read.', pages: [3, 5, 9] },
    ]),
  ).toBe('Ready, 3 pages unreadable');
  expect(readyWithWarnings([])).toBe('Ready');
});
