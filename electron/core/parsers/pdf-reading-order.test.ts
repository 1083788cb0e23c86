import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { highlightParts, layoutPageText } from '../../../shared/pdf-page-text';
import { openDocument, type ParsedSection } from './index';
import {
  normalizeText as norm,
  referenceSentences,
} from '../../../test/helpers/pdftotext-reference';
import { collect, pdfFixture } from '../../../test/helpers/parser-fixtures';

const PDFTOTEXT = '/usr/bin/pdftotext';
const hasPdftotext = existsSync(PDFTOTEXT);

/**
 * pdftotext's own mistakes on these files, which are no column sentences: the printer's proof
 * stamp (text pdf.js does not expose) and the margin icon "CAUTION" spliced into a sentence.
 */
const EXTRACTOR_ARTIFACTS = [/prints on all proofs|MUST be removed before printing/, /\bCAUTION\b/];

function sentencesOf(file: string, page: number): string[] {
  return referenceSentences(file, page, { pdftotext: PDFTOTEXT, skip: EXTRACTOR_ARTIFACTS });
}

async function pages(name: string): Promise<ParsedSection[]> {
  const doc = await openDocument(pdfFixture(name), {});
  return collect(doc.sections);
}

async function pdfjsItems(name: string, page: number) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(readFileSync(pdfFixture(name))),
    verbosity: 0,
  }).promise;
  try {
    const content = await (await doc.getPage(page)).getTextContent();
    return content.items.filter((i) => 'str' in i);
  } finally {
    await doc.destroy();
  }
}

describe('reading order on multi-column fixtures', { timeout: 180_000 }, () => {
  // The floor, 95 %, on every fixture; pdftotext's own artifacts are left out of the
  // sample. A boxed worksheet that reaches into the next column still defeats both extractors.
  it.skipIf(!hasPdftotext).each([
    ['acl_naacl06_two_column_paper.pdf', 0.95],
    ['latex_two_column_lorem.pdf', 0.95],
    ['irs_i1040nr_instructions_50p.pdf', 0.95],
  ])(
    '%s: pdftotext sentences appear word for word in the stored page text',
    async (name, floor) => {
      const sections = await pages(name);
      let total = 0;
      let found = 0;
      for (const section of sections) {
        const text = norm(section.text);
        for (const sentence of sentencesOf(pdfFixture(name), section.page!)) {
          total++;
          if (text.includes(sentence)) found++;
        }
      }
      expect(total).toBeGreaterThan(50);
      console.log(`${name}: ${found}/${total} = ${((100 * found) / total).toFixed(1)} %`);
      expect(found / total).toBeGreaterThanOrEqual(floor);
    },
  );

  it('keeps a cited passage inside its column in the viewer', async () => {
    const items = await pdfjsItems('latex_two_column_lorem.pdf', 1);
    const { text, spans } = layoutPageText(items);
    const gutter = 305; // Between the columns (72–300.6 and 310–539 on this page).
    for (const [sentence, side] of [
      ['Nam arcu libero, nonummy eget, consectetuer id, vulputate a, magna.', 'left'],
      ['Morbi blandit ligula feugiat magna.', 'right'],
    ] as const) {
      const start = text.indexOf(sentence);
      expect(start).toBeGreaterThanOrEqual(0);
      const parts = highlightParts(spans, start, start + sentence.length);
      expect(parts.length).toBeGreaterThan(1);
      for (const part of parts) {
        const item = items[part.item]!;
        const x0 = item.transform[4]!;
        if (side === 'left') expect(x0 + item.width).toBeLessThan(gutter);
        else expect(x0).toBeGreaterThan(gutter);
      }
      const covered = parts.map((p) => items[p.item]!.str.slice(p.from, p.to)).join(' ');
      expect(norm(covered).replace(/ /g, '')).toBe(sentence.replace(/ /g, ''));
    }
  });

  it('reads the tax table row by row with cell separators', async () => {
    const sections = await pages('irs_i1040nr_instructions_50p.pdf');
    const page = sections.find((s) => s.page === 35)!.text;
    const rows = page.split('\n');
    const row = (lead: string) => rows.findIndex((r) => r.startsWith(lead));
    expect(rows[row('5,300 | 5,350')]).toBe(
      '5,300 | 5,350 | 533 | 533 | 533 | 8,300 | 8,350 | 858 | 833 | 858 | 11,300 | 11,350 | 1,308 | 1,133 | 1,308',
    );
    expect(row('5,300 | 5,350')).toBeLessThan(row('5,350 | 5,400'));
    expect(row('5,350 | 5,400')).toBe(row('5,300 | 5,350') + 1);
  });

  it('keeps the running header and page number out of the column text', async () => {
    const sections = await pages('irs_i1040nr_instructions_50p.pdf');
    const page = sections.find((s) => s.page === 5)!.text;
    expect(norm(page)).toContain(
      'Generally, you are taxed on income only from U.S. sources for the part of the year you were a nonresident alien.',
    );
    const blocks = page.split('\n\n');
    expect(blocks[blocks.length - 1]).toMatch(/^Instructions for Form 1040NR\s*-5-$/);
  });
});
