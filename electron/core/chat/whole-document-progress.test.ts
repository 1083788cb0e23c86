import { describe, expect, it } from 'vitest';
import type { Passage } from './prompt';
import { readingLabel, sectionsReason, timeLeft } from './whole-document-progress';

const passage = (text: string): Passage => ({
  chunkId: 'k1',
  documentId: 'd1',
  title: 'Paper',
  path: '/p.pdf',
  pageStart: 1,
  pageEnd: 1,
  charStart: 0,
  charEnd: text.length,
  headingPath: [],
  snippet: '',
  score: 0,
  text,
});

describe('the labels of a document read section by section', () => {
  it('counts the sections and, once one is done, says about how long the rest will take', () => {
    expect(readingLabel(0, 39, 0)).toBe('Reading section 1 of 39');
    // 11 sections in 66 s: 6 s each, for 28 sections left and the answer: 174 s.
    expect(readingLabel(11, 39, 66_000)).toBe('Reading section 12 of 39 · about 3 min left');
    expect(readingLabel(37, 39, 37 * 6_000)).toBe('Reading section 38 of 39 · under a minute left');
    expect(timeLeft(95 * 60_000)).toBe('about 1 h 35 min left');
    expect(timeLeft(120 * 60_000)).toBe('about 2 h left');
  });

  it("says why there are so many sections: what the model's context holds, in words", () => {
    // 300 words in 600 tokens: 2 tokens a word, so 800 tokens hold about 400 words.
    const sections = [
      { passages: [passage('word '.repeat(200))], sourceNumbers: [1], tokens: 400 },
      { passages: [passage('word '.repeat(100))], sourceNumbers: [1], tokens: 200 },
    ];
    expect(sectionsReason(sections, 2048, 800)).toBe(
      "2 sections: the model's 2,048-token context holds about 400 words at a time",
    );
  });
});
