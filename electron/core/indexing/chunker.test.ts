import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDocument, type ParsedSection } from '../parsers';
import { parseMarkdown } from '../parsers/markdown';
import { collect, MODELS_DIR, pdfFixture } from '../../../test/helpers/parser-fixtures';
import {
  chunkSections,
  loadTokenCounter,
  type ChunkDraft,
  type ChunkOptions,
  type TokenCounter,
} from './chunker';

let counter: TokenCounter;
beforeAll(async () => {
  counter = await loadTokenCounter('Xenova/all-MiniLM-L6-v2', MODELS_DIR);
});

async function* from(sections: ParsedSection[]): AsyncGenerator<ParsedSection> {
  yield* sections;
}

const section = (text: string, extra: Partial<ParsedSection> = {}): ParsedSection => ({
  page: null,
  text,
  charStart: 0,
  headingPath: [],
  ...extra,
});

const chunk = (
  sections: ParsedSection[],
  options?: Partial<ChunkOptions>,
  c: TokenCounter = counter,
): Promise<ChunkDraft[]> => collect(chunkSections(from(sections), c, options));

/** The invariants every chunk list must satisfy. */
function checkChunks(
  sections: ParsedSection[],
  chunks: ChunkDraft[],
  maxTokens: number,
  c: TokenCounter = counter,
): void {
  chunks.forEach((ch, i) => {
    expect(ch.ordinal).toBe(i);
    const owner = sections.find(
      (s) =>
        s.page === ch.pageStart &&
        s.charStart <= ch.charStart &&
        ch.charEnd <= s.charStart + s.text.length &&
        s.text.slice(ch.charStart - s.charStart, ch.charEnd - s.charStart) === ch.text,
    );
    expect(owner, `chunk ${i} is an exact slice of one section`).toBeDefined();
    expect(ch.headingPath).toEqual(owner?.headingPath);
    expect(ch.pageEnd).toBe(ch.pageStart);
    expect(ch.text).toBe(ch.text.trim());
    expect(ch.tokens).toBe(c.count(ch.text));
    expect(ch.tokens).toBeLessThanOrEqual(maxTokens);
  });
}

const sentence = (i: number): string =>
  `Sentence number ${i} talks about local document search and offline chat.`;

describe('chunkSections', () => {
  it('loads the real MiniLM tokenizer from local files and counts special tokens', () => {
    expect(counter.count('')).toBe(2);
    expect(counter.count('hello world')).toBe(4);
    expect(counter.additive).toBe(true);
  });

  it('packs sentences up to maxTokens with exact offsets and counts', async () => {
    const text = Array.from({ length: 120 }, (_, i) => sentence(i)).join(' ');
    const sections = [section(text, { charStart: 1000 })];
    const chunks = await chunk(sections, { maxTokens: 64, overlapTokens: 8 });
    expect(chunks.length).toBeGreaterThan(10);
    checkChunks(sections, chunks, 64);
    // Full chunks, cut at sentence ends.
    for (const ch of chunks.slice(0, -1)) {
      expect(ch.tokens).toBeGreaterThan(40);
      expect(ch.text.endsWith('.')).toBe(true);
    }
  });

  it('starts each chunk with about overlapTokens of the previous one', async () => {
    const text = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ');
    const chunks = await chunk([section(text)], { maxTokens: 80, overlapTokens: 20 });
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1];
      const next = chunks[i];
      if (!prev || !next) continue;
      expect(next.charStart).toBeLessThan(prev.charEnd);
      expect(next.charStart).toBeGreaterThan(prev.charStart);
      const shared = text.slice(next.charStart, prev.charEnd);
      const overlap = counter.count(shared) - 2;
      expect(overlap).toBeGreaterThanOrEqual(5);
      expect(overlap).toBeLessThanOrEqual(20);
    }
    // No overlap at all when asked.
    const plain = await chunk([section(text)], { maxTokens: 80, overlapTokens: 0 });
    plain
      .slice(1)
      .forEach((ch, i) => expect(ch.charStart).toBeGreaterThanOrEqual(plain[i]?.charEnd ?? 0));
  });

  it('prefers paragraph breaks', async () => {
    const paragraphs = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 3 }, (_, s) => sentence(p * 10 + s)).join(' '),
    );
    const text = paragraphs.join('\n\n');
    const chunks = await chunk([section(text)], { maxTokens: 128, overlapTokens: 0 });
    const starts = new Set(paragraphs.map((p) => text.indexOf(p)));
    for (const ch of chunks) expect(starts.has(ch.charStart)).toBe(true);
  });

  it('splits an over-long sentence by words and a run without spaces by characters', async () => {
    const words = Array.from({ length: 700 }, (_, i) => `wort${i}`).join(' ');
    const blob = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256)).toString(
      'base64',
    );
    const sections = [section(words), section(blob, { charStart: 0 })];
    const chunks = await chunk(sections, { maxTokens: 48, overlapTokens: 8 });
    checkChunks(sections, chunks, 48);
    expect(
      chunks.filter((c) => c.text.startsWith('wort') || /^\d/.test(c.text)).length,
    ).toBeGreaterThan(5);
  });

  it('never merges text across Markdown heading sections', async () => {
    const md =
      '# Guide\n\nShort intro.\n\n## Install\n\nOne line.\n\n## Use\n\n' +
      Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ') +
      '\n';
    const sections = [...parseMarkdown(md).sections()];
    const chunks = await chunk(sections, { maxTokens: 64, overlapTokens: 16 });
    checkChunks(sections, chunks, 64);
    expect(chunks[0]).toMatchObject({
      text: '# Guide\n\nShort intro.',
      headingPath: ['Guide'],
      charStart: 0,
    });
    expect(chunks[1]).toMatchObject({
      text: '## Install\n\nOne line.',
      headingPath: ['Guide', 'Install'],
    });
    expect(chunks.slice(2).every((c) => c.headingPath.join('/') === 'Guide/Use')).toBe(true);
    for (const c of chunks) expect(md.slice(c.charStart, c.charEnd)).toBe(c.text);
  });

  it('streams: the first chunk comes out before later sections are read', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slow(): AsyncGenerator<ParsedSection> {
      yield section('The first page has a sentence.', { page: 1 });
      await gate;
      yield section('The second page has another.', { page: 2 });
    }
    const it = chunkSections(slow(), counter)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toMatchObject({
      pageStart: 1,
      pageEnd: 1,
      text: 'The first page has a sentence.',
    });
    release();
    expect((await it.next()).value).toMatchObject({ pageStart: 2, ordinal: 1 });
    expect((await it.next()).done).toBe(true);
  });

  it('counts again where pieces are joined only by characters the tokenizer deletes', async () => {
    // BERT's normalizer drops U+0000, U+FEFF and \v, so the words on either side become one.
    for (const glue of ['\u0000', '\ufeff', '\v', '\u0085']) {
      const sections = [section(`ꀀ${glue}룭㐀¡`)];
      checkChunks(sections, await chunk(sections, { maxTokens: 4, overlapTokens: 0 }), 4);
    }
    // A real space between them still lets the sum stand: the counts agree either way.
    const spaced = [section('ꀀ 룭㐀¡')];
    checkChunks(spaced, await chunk(spaced, { maxTokens: 4, overlapTokens: 0 }), 4);
  });

  it('rejects a maxTokens that leaves no room for text', async () => {
    await expect(chunk([section('text')], { maxTokens: 2 })).rejects.toThrow(RangeError);
  });

  it('holds its invariants on random text (property)', async () => {
    const piece = fc.constantFrom(
      'word',
      'Satz',
      ' ',
      ' ',
      '\n',
      '\n\n',
      '. ',
      '! ',
      '? ',
      '。',
      'é',
      'naïve',
      '–',
      '😀',
      '3.14',
      'x'.repeat(40),
      '\t',
      'Ünïcödé',
      '한국어',
      '中文字',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 400 }).map((p) => p.join('')),
        fc.integer({ min: 8, max: 64 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 500 }),
        fc.boolean(),
        async (text, maxTokens, overlapTokens, charStart, real) => {
          // A made-up counter that is not additive exercises the recount path.
          const c = real ? counter : { count: (t: string) => Math.ceil(t.length / 3) + 1 };
          const sections = [section(text, { page: 3, charStart })];
          const chunks = await chunk(sections, { maxTokens, overlapTokens }, c);
          checkChunks(sections, chunks, maxTokens, c);
          // Every non-space character lands in some chunk.
          const covered = new Uint8Array(text.length);
          for (const c of chunks) covered.fill(1, c.charStart - charStart, c.charEnd - charStart);
          for (let k = 0; k < text.length; k++) {
            if (/\S/.test(text[k] ?? '')) expect(covered[k], `char ${k}`).toBe(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('chunks the 117-page German PDF page by page, fast', async () => {
    const doc = await openDocument(pdfFixture('geotopo_de_117p.pdf'));
    const sections = await collect(doc.sections);
    const started = performance.now();
    const chunks = await chunk(sections);
    const ms = performance.now() - started;
    checkChunks(sections, chunks, 256);
    const tokens = chunks.reduce((n, c) => n + c.tokens, 0);
    console.info(
      `chunked ${sections.length} pages into ${chunks.length} chunks, ${tokens} tokens in ${ms.toFixed(0)} ms = ${Math.round((tokens / ms) * 1000)} tokens/s`,
    );
    const target = chunks.find((c) => c.text.includes('zusammengesetzter Weg'));
    expect(target).toMatchObject({ pageStart: 50, pageEnd: 50 });
    expect(new Set(chunks.map((c) => c.pageStart)).size).toBe(117);
    // The additive shortcut must give the same counts as counting every chunk.
    const firstPages = sections.slice(0, 15);
    const exact = await chunk(firstPages, {}, { count: (t) => counter.count(t) });
    const fast = await chunk(firstPages);
    expect(fast).toEqual(exact);
  }, 180_000);
});
