import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOUNDARY, isSpace, textUnits, type Unit } from './chunker-units';

// One token per whitespace-separated word, and per character inside long words.
const wordCost =
  (text: string) =>
  (start: number, end: number): number =>
    text
      .slice(start, end)
      .split(/\s+/)
      .filter(Boolean)
      .reduce((n, w) => n + Math.ceil(w.length / 8), 0);

const unitsOf = (text: string, budget = 1000): Unit[] => [
  ...textUnits(text, wordCost(text), budget),
];
const texts = (text: string, units: Unit[]): string[] =>
  units.map((u) => text.slice(u.start, u.end));

describe('textUnits', () => {
  it('splits paragraphs, sentences and lines, marking each boundary', () => {
    const text =
      '  First sentence. Second one, which\ncontinues on the next line.\n\n  New paragraph?  Yes.  ';
    const units = unitsOf(text);
    expect(texts(text, units)).toEqual([
      'First sentence.',
      'Second one, which',
      'continues on the next line.',
      'New paragraph?',
      'Yes.',
    ]);
    expect(units.map((u) => u.level)).toEqual([
      BOUNDARY.paragraph,
      BOUNDARY.sentence,
      BOUNDARY.line,
      BOUNDARY.paragraph,
      BOUNDARY.sentence,
    ]);
  });

  it('keeps decimals and sentence-final quotes together', () => {
    const text = 'Pi is 3.14 roughly. He said "stop." Then left.';
    expect(texts(text, unitsOf(text))).toEqual([
      'Pi is 3.14 roughly.',
      'He said "stop."',
      'Then left.',
    ]);
  });

  it('ends CJK sentences at full stops without spaces', () => {
    const text = '这是第一句。这是第二句！第三句';
    expect(texts(text, unitsOf(text))).toEqual(['这是第一句。', '这是第二句！', '第三句']);
  });

  it('halves over-long pieces at whitespace, then by characters', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const units = unitsOf(words, 7);
    expect(units.every((u) => u.tokens <= 7)).toBe(true);
    expect(texts(words, units).join(' ')).toBe(words);
    const run = 'x'.repeat(200);
    const pieces = unitsOf(run, 3);
    expect(pieces.every((u) => u.tokens <= 3)).toBe(true);
    expect(texts(run, pieces).join('')).toBe(run);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(50);
    for (const piece of texts(text, unitsOf(text, 2))) expect(piece).toMatch(/^(?:😀)+$/u);
  });

  it('covers every non-space character exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', 'b', ' ', '\n', '.', '!', '。', 'é', '\t', 'xyzxyzxyz'),
        }),
        fc.integer({ min: 1, max: 6 }),
        (text, budget) => {
          const units = unitsOf(text, budget);
          let last = 0;
          for (const u of units) {
            expect(u.start).toBeGreaterThanOrEqual(last);
            expect(u.end).toBeGreaterThan(u.start);
            expect(isSpace(text.charCodeAt(u.start)) || isSpace(text.charCodeAt(u.end - 1))).toBe(
              false,
            );
            last = u.end;
          }
          const stripped = (s: string) => s.replace(/\s+/g, '');
          expect(units.map((u) => stripped(text.slice(u.start, u.end))).join('')).toBe(
            stripped(text),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
