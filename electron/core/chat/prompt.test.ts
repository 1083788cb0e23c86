import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeltaCoalescer } from './delta-coalescer';
import { buildPrompt, extractCitations, searchQueryFor, type Passage } from './prompt';

const passage = (i: number, words = 40): Passage => ({
  chunkId: `d${i}:0`,
  documentId: `d${i}`,
  title: `Doc ${i}.pdf`,
  path: `/docs/doc${i}.pdf`,
  pageStart: i,
  pageEnd: i,
  charStart: 0,
  charEnd: 100,
  headingPath: [],
  snippet: '',
  score: 1 / i,
  text: Array.from({ length: words }, (_, w) => `word${w}`).join(' '),
});
const countWords = async (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('the prompt', () => {
  it('numbers only the sources that fit, and keeps them in the last user turn', async () => {
    const built = await buildPrompt({
      question: 'What is it?',
      passages: [1, 2, 3, 4].map((i) => passage(i)),
      history: [],
      budgetTokens: 220,
      countTokens: countWords,
    });
    expect(built.sources.map((s) => s.n)).toEqual([1, 2]);
    expect(built.sources[0]).toMatchObject({ documentId: 'd1', pageStart: 1 });
    const last = built.messages.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toContain('[1] Doc 1.pdf, page 1');
    expect(last.content).not.toContain('[3]');
    expect(built.messages[0]!.role).toBe('system');
  });

  it('gives at least part of the best passage when even one does not fit', async () => {
    const built = await buildPrompt({
      question: 'q',
      passages: [passage(1, 400)],
      history: [],
      budgetTokens: 200,
      countTokens: countWords,
    });
    expect(built.sources).toHaveLength(1);
    expect(built.messages.at(-1)!.content.length).toBeLessThan(passage(1, 400).text.length);
  });

  it('keeps the newest history that fits and never starts it with an answer', async () => {
    const history = [
      { role: 'user' as const, content: 'first question' },
      { role: 'assistant' as const, content: 'first answer' },
      { role: 'user' as const, content: 'second question' },
      { role: 'assistant' as const, content: 'second answer' },
    ];
    const built = await buildPrompt({
      question: 'third',
      passages: [],
      history,
      budgetTokens: 100,
      countTokens: countWords,
    });
    const roles = built.messages.map((m) => m.role);
    expect(roles[0]).toBe('system');
    expect(roles[1]).toBe('user');
    expect(built.messages.at(-1)!.content).toContain('No passage');
  });
});

describe('citations', () => {
  it('resolves single, grouped and ranged markers, only to sources that were given', () => {
    expect(extractCitations('A [2]. B [1, 3]. C [2–4]. D [9]. E [0].', 4)).toEqual([2, 1, 3, 4]);
    expect(extractCitations('No markers here, or [x].', 3)).toEqual([]);
  });
});

describe('follow-up rewriting', () => {
  it('attaches the previous question to short or referring follow-ups only', () => {
    expect(searchQueryFor('And its cost?', ['How does the pump work?'])).toBe(
      'How does the pump work? And its cost?',
    );
    expect(
      searchQueryFor('What does the 1040-NR form require from nonresident aliens?', [
        'How does the pump work?',
      ]),
    ).toBe('What does the 1040-NR form require from nonresident aliens?');
    expect(searchQueryFor('Anything', [])).toBe('Anything');
  });
});

describe('DeltaCoalescer', () => {
  afterEach(() => vi.useRealTimers());
  it('sends the first delta at once, then at most one per frame, losing nothing', () => {
    vi.useFakeTimers();
    let now = 0;
    const out: string[] = [];
    const coalescer = new DeltaCoalescer(
      (t) => out.push(t),
      16,
      () => now,
    );
    coalescer.push('a');
    expect(out).toEqual(['a']);
    for (const t of ['b', 'c', 'd']) coalescer.push(t);
    expect(out).toEqual(['a']);
    now = 16;
    vi.advanceTimersByTime(16);
    expect(out).toEqual(['a', 'bcd']);
    coalescer.push('e');
    coalescer.flush();
    expect(out.join('')).toBe('abcde');
  });
});
