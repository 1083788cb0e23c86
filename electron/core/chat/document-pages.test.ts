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

  it('packs whole pages in order under the budget, and splits only a page too large alone', async () => {
    const pages = ['one two three', 'four five six', 'seven eight nine', 'w '.repeat(60).trim()];
    const passages = pagePassages(chunked(pages, 1000, 0));
    const sections = await packSections(passages, 20, words);
    // Numbers are the document-wide source of each section's sources, in order.
    expect(sections.map((s) => s.sourceNumbers)).toEqual([
      [1, 2],
      [3],
      ...Array.from({ length: sections.length - 2 }, () => [4]),
    ]);
    expect(sections.length).toBeGreaterThan(3);
    const parts = sections.filter((s) => s.sourceNumbers[0] === 4).map((s) => s.passages[0]!.text);
    expect(parts.join(' ').split(/\s+/)).toHaveLength(60);
    for (const section of sections) {
      let cost = 0;
      for (const [i, p] of section.passages.entries())
        cost += (await words(`[${i + 1}] ${p.title}, page ${p.pageStart}\n${p.text}`)) + 2;
      expect(cost).toBeLessThanOrEqual(20);
    }
  });
});
