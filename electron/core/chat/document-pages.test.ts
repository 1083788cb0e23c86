import { describe, expect, it } from 'vitest';
import type { DocumentText } from './chat-types';
import { packSections, pagePassages } from './document-pages';

const words = async (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Chunks cut from `pages` with `overlap` characters repeated, as the chunker does. */
function chunked(pages: string[], size: number, overlap: number): DocumentText {
  const chunks: DocumentText['chunks'] = [];
  let offset = 0;
  pages.forEach((text, p) => {
    for (let start = 0; start < text.length; start += size - overlap) {
      const end = Math.min(text.length, start + size);
      chunks.push({
        id: `k${chunks.length}`,
        text: text.slice(start, end),
        pageStart: p + 1,
        pageEnd: p + 1,
        charStart: offset + start,
        charEnd: offset + end,
        headingPath: [],
      });
      if (end === text.length) break;
    }
    offset += text.length + 1;
  });
  return { id: 'd1', title: 'Report', path: '/r.pdf', chunks };
}

describe('a document as pages', () => {
  it('joins overlapping chunks back into each page, text exact', () => {
    const pages = ['alpha beta gamma delta epsilon zeta eta theta', 'iota kappa lambda mu nu xi'];
    const passages = pagePassages(chunked(pages, 12, 4));
    expect(passages.map((p) => p.text)).toEqual(pages);
    expect(passages.map((p) => p.pageStart)).toEqual([1, 2]);
    expect(passages[1]).toMatchObject({ chunkId: expect.any(String), documentId: 'd1' });
  });

  it('fills each section: a page too large for what is left goes on in the next, each part citing its page', async () => {
    const pages = ['one two three', 'four five six', 'seven eight nine', 'w '.repeat(60).trim()];
    const passages = pagePassages(chunked(pages, 1000, 0));
    const sections = await packSections(passages, 20, words);
    // Numbers are the document-wide source of each section's sources, in order. Page 3 starts a
    // section (only 2 words were left) and page 4 fills the rest of it, then goes on in parts.
    expect(sections.map((s) => s.sourceNumbers)).toEqual([[1, 2], [3, 4], [4], [4], [4], [4]]);
    const parts = sections.flatMap((s) =>
      s.passages.filter((p) => p.pageStart === 4).map((p) => p.text),
    );
    expect(parts.join(' ')).toBe(pages[3]);
    for (const section of sections) {
      let cost = 0;
      for (const [i, p] of section.passages.entries())
        cost += (await words(`[${i + 1}] ${p.title}, page ${p.pageStart}\n${p.text}`)) + 2;
      expect(cost).toBeLessThanOrEqual(20);
      expect(section.tokens).toBe(cost);
    }
  });

  it('packs pages that each fit alone into fewer, fuller sections, every word read once in order', async () => {
    // Ten pages of 20 words, each 26 "tokens" with its label: two never fit one section of 40.
    const pages = Array.from({ length: 10 }, (_, p) =>
      Array.from({ length: 20 }, (_, w) => `p${p + 1}w${w + 1}`).join(' '),
    );
    const sections = await packSections(pagePassages(chunked(pages, 1000, 0)), 40, words);
    expect(sections.length).toBeLessThanOrEqual(8);
    for (const section of sections) expect(section.tokens).toBeLessThanOrEqual(40);
    // All but the last section are at least three quarters full.
    for (const section of sections.slice(0, -1)) expect(section.tokens).toBeGreaterThanOrEqual(30);
    const read = sections.flatMap((s) => s.passages.map((p) => p.text)).join(' ');
    expect(read).toBe(pages.join(' '));
    for (const section of sections)
      for (const [k, p] of section.passages.entries()) {
        expect(p.text.startsWith(`p${p.pageStart}w`)).toBe(true);
        expect(section.sourceNumbers[k]).toBe(p.pageStart);
      }
  });

  it('ends a cut page at a sentence when one is near the cut', async () => {
    const page =
      'a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb. cc dd ee ff gg hh ii jj';
    const sections = await packSections(pagePassages(chunked([page], 1000, 0)), 35, words);
    expect(sections[0]!.passages[0]!.text).toBe(page.slice(0, page.indexOf('.') + 1));
    expect(sections.flatMap((s) => s.passages.map((p) => p.text)).join(' ')).toBe(page);
  });
});
