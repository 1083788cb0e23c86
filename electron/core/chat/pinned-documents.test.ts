import { describe, expect, it } from 'vitest';
import { pinnedLabel } from './pinned-documents';

const page = (n: number) => ({ pageStart: n, pageEnd: n });
const part = { pageStart: null, pageEnd: null };

describe('the step label of a pinned document', () => {
  const pdf = { title: 'Manual.pdf', pages: 2, paged: true, partial: false };
  const notes = { title: 'notes.md', pages: 5, paged: false, partial: false };

  it('says plainly how much of it fits, never "0 of 2 pages and part of one more"', () => {
    expect(pinnedLabel({ ...pdf, partial: true }, [page(1)])).toBe(
      "Only part of page 1 of “Manual.pdf” fits the model's context",
    );
    expect(pinnedLabel({ ...pdf, pages: 12 }, [page(1), page(2), page(3)])).toBe(
      "Only pages 1–3 of “Manual.pdf” (12 pages) fit the model's context",
    );
    expect(pinnedLabel(pdf, [page(1)])).toBe(
      "Only page 1 of “Manual.pdf” (2 pages) fits the model's context",
    );
    expect(pinnedLabel({ ...pdf, pages: 9, partial: true }, [page(1), page(2), page(3)])).toBe(
      "Only pages 1–2 and part of page 3 of “Manual.pdf” fit the model's context",
    );
  });

  it('counts sections for documents without pages', () => {
    expect(pinnedLabel({ ...notes, partial: true }, [part])).toBe(
      "Only part of the first section of “notes.md” fits the model's context",
    );
    expect(pinnedLabel(notes, [part, part])).toBe(
      "Only the first 2 sections of “notes.md” (5 sections) fit the model's context",
    );
  });

  it('says when all of it, or none of it, is in the prompt', () => {
    expect(pinnedLabel(pdf, [page(1), page(2)])).toBe(
      'Pinned “Manual.pdf”: all of it is in the prompt',
    );
    expect(pinnedLabel(pdf, [])).toBe("Pinned “Manual.pdf” does not fit the model's context");
  });
});
