// The chunker on random documents: random pages and heading sections of any unicode (lone
// surrogates included), any tokenizer the workers may use, and odd options.
// A failure prints fast-check's seed and path; pass them back as { seed, path } to replay it.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParsedSection } from '../parsers';
import { collect, MODELS_DIR } from '../../../test/helpers/parser-fixtures';
import { approximateTokenCounter } from './approximate-tokens';
import { chunkSections, loadTokenCounter, type TokenCounter } from './chunker';
import { isSpace } from './chunker-units';

const RUNS = 1000;

let minilm: TokenCounter;
beforeAll(async () => {
  minilm = await loadTokenCounter('Xenova/all-MiniLM-L6-v2', MODELS_DIR);
});

// Not additive, so every chunk is counted again: the slow, exact path.
const byLength: TokenCounter = { count: (t) => Math.ceil(t.length / 3) + 1 };

const sectionText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 600 }),
  fc.string({ unit: 'grapheme', maxLength: 600 }),
  // UTF-16 code units, so lone surrogates and broken pairs turn up.
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 400 })
    .map((codes) => String.fromCharCode(...codes)),
  fc
    .array(
      fc.constantFrom(
        'word ',
        'Satz. ',
        '\n\n',
        '\n',
        '\t',
        '。',
        '😀',
        '\u00a0',
        '\u2028',
        'x'.repeat(90),
        ' ',
        '# ',
        '\r\n',
        '中文字',
      ),
      { maxLength: 300 },
    )
    .map((parts) => parts.join('')),
);

/** A PDF (one section per page, offsets from 0 on each page) or a text document (one run of offsets). */
const document = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.record({
        text: sectionText,
        headingPath: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
        gap: fc.nat({ max: 5 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([isPdf, parts]): ParsedSection[] => {
    let offset = 0;
    return parts.map((part, i) => {
      const charStart = isPdf ? 0 : offset + part.gap;
      offset = charStart + part.text.length;
      return {
        page: isPdf ? i + 1 : null,
        text: part.text,
        charStart,
        headingPath: part.headingPath,
      };
    });
  });

const options = fc.record({
  maxTokens: fc.oneof(
    fc.integer({ min: 3, max: 300 }),
    fc.constantFrom(0, -1, 2, 4.5, Number.NaN, Infinity),
  ),
  overlapTokens: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.constantFrom(-3, 2.5, Number.NaN)),
});

async function* from(sections: ParsedSection[]): AsyncGenerator<ParsedSection> {
  yield* sections;
}

describe('chunker under random documents (properties)', () => {
  it('gives exact, in-page, in-budget chunks covering the text, or a RangeError for impossible options', async () => {
    await fc.assert(
      fc.asyncProperty(
        document,
        options,
        fc.constantFrom('minilm', 'approximate', 'byLength'),
        async (sections, opts, which) => {
          const counter =
            which === 'minilm'
              ? minilm
              : which === 'approximate'
                ? approximateTokenCounter
                : byLength;
          let chunks;
          try {
            chunks = await collect(chunkSections(from(sections), counter, opts));
          } catch (error) {
            // Only a budget with no room for text is refused.
            expect(error).toBeInstanceOf(RangeError);
            expect(opts.maxTokens > counter.count('') + 1).toBe(false);
            return;
          }
          chunks.forEach((chunk, i) => {
            expect(chunk.ordinal).toBe(i);
            expect(chunk.pageEnd).toBe(chunk.pageStart);
            const owner = sections.find(
              (s) =>
                s.page === chunk.pageStart &&
                s.charStart <= chunk.charStart &&
                chunk.charEnd <= s.charStart + s.text.length &&
                s.text.slice(chunk.charStart - s.charStart, chunk.charEnd - s.charStart) ===
                  chunk.text,
            );
            expect(owner, `chunk ${i} is an exact slice of one section`).toBeDefined();
            expect(chunk.headingPath).toEqual(owner!.headingPath);
            expect(chunk.text.length).toBeGreaterThan(0);
            expect(chunk.tokens).toBe(counter.count(chunk.text));
            // A character that alone costs more than a tiny budget is kept as its own chunk.
            if (chunk.tokens > opts.maxTokens) expect(Array.from(chunk.text)).toHaveLength(1);
          });
          // Every non-space character (C0 controls count as space) of every section lands in a chunk of that section.
          for (const s of sections) {
            const covered = new Uint8Array(s.text.length);
            for (const c of chunks)
              if (c.pageStart === s.page && c.charStart >= s.charStart)
                covered.fill(1, c.charStart - s.charStart, c.charEnd - s.charStart);
            for (let k = 0; k < s.text.length; k++)
              if (!isSpace(s.text.charCodeAt(k)))
                expect(covered[k], `char ${k} of a section`).toBe(1);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
