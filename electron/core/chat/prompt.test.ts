import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../shared/contract/chat';
import { exchangesIn } from './chat-pipeline';
import { DeltaCoalescer } from './delta-coalescer';
import { buildPrompt, extractCitations, snippetOf, type Exchange, type Passage } from './prompt';

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

  it('replays the newest earlier exchanges exactly as sent and drops the oldest that do not fit', async () => {
    const exchange = (i: number): Exchange => ({
      sent: `Sources:\n\n[1] Doc ${i}.pdf, page ${i}\n${passage(i, 30).text}\n\nQuestion: question ${i}`,
      answer: `answer ${i} [1]`,
    });
    const history = [1, 2, 3].map(exchange);
    const built = await buildPrompt({
      question: 'and then?',
      passages: [passage(4)],
      history,
      budgetTokens: 160,
      // 300 - 89 fixed - 80 kept for the new turn: room for two earlier exchanges (58 each), not three
      contextTokens: 300,
      countTokens: countWords,
    });
    expect(built.historyKept).toBe(2);
    expect(built.messages.slice(1, -1)).toEqual([
      { role: 'user', content: history[1]!.sent },
      { role: 'assistant', content: history[1]!.answer },
      { role: 'user', content: history[2]!.sent },
      { role: 'assistant', content: history[2]!.answer },
    ]);
    expect(built.userTurn).toBe(built.messages.at(-1)!.content);
    expect(built.userTurn).toContain('Question: and then?');
    expect(built.sources.map((s) => s.n)).toEqual([1]);
    expect(built.promptTokens).toBeLessThanOrEqual(300);
  });

  it('keeps no history when the context has only room for the new turn', async () => {
    const built = await buildPrompt({
      question: 'third',
      passages: [],
      history: [{ sent: 'first question', answer: 'first answer' }],
      budgetTokens: 120,
      countTokens: countWords,
    });
    expect(built.historyKept).toBe(0);
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(built.messages.at(-1)!.content).toContain('No passage');
  });

  it('gives history no more than maxHistoryTokens', async () => {
    const built = await buildPrompt({
      question: 'q',
      passages: [],
      history: [
        { sent: 'one two three', answer: 'four five' },
        { sent: 'six seven', answer: 'eight' },
      ],
      budgetTokens: 100,
      contextTokens: 1000,
      maxHistoryTokens: 20, // one exchange costs 3 words + 16 framing
      countTokens: countWords,
    });
    expect(built.historyKept).toBe(1);
    expect(built.messages[1]).toEqual({ role: 'user', content: 'six seven' });
  });
});

describe('the conversation as exchanges', () => {
  const msg = (id: string, text: string, extra: Partial<Message> = {}): Message => ({
    id,
    conversationId: 'c',
    role: id.startsWith('u') ? 'user' : 'assistant',
    text,
    status: 'complete',
    mode: id.startsWith('u') ? null : 'answer',
    sources: [],
    citations: [],
    finishReason: null,
    error: null,
    provider: null,
    model: null,
    usage: null,
    timings: null,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  });

  it('pairs each question as sent with its latest written answer and skips the rest', () => {
    const sent: Record<string, string> = {
      u1: 'Sources: … Question: one',
      u3: 'Sources: … Question: three',
    };
    const exchanges = exchangesIn(
      [
        msg('u1', 'one'),
        msg('a1', 'first answer'),
        msg('a1b', 'regenerated answer'),
        msg('u2', 'two'),
        msg('a2', '', { status: 'error' }),
        msg('u3', 'three'),
        msg('a3', 'partial', { status: 'cancelled' }),
        msg('u4', 'four'),
        msg('a4', 'Here are the passages', { mode: 'search' }),
        msg('u5', 'five, never sent to a model'),
        msg('a5', 'an answer from before prompts were recorded'),
      ],
      (question) => sent[question.id],
    );
    expect(exchanges).toEqual([
      { sent: 'Sources: … Question: one', answer: 'regenerated answer' },
      { sent: 'Sources: … Question: three', answer: 'partial' },
      {
        sent: 'five, never sent to a model',
        answer: 'an answer from before prompts were recorded',
      },
    ]);
  });
});

describe('snippets', () => {
  it('drop control characters, which show as empty boxes, and keep the words apart', () => {
    expect(snippetOf('Rue\u0002 de\u001b Belleville\u009c,\tParis\nFrance\u0000')).toBe(
      'Rue de Belleville, Paris France',
    );
  });
});

describe('citations', () => {
  it('resolves single, grouped and ranged markers, only to sources that were given', () => {
    expect(extractCitations('A [2]. B [1, 3]. C [2–4]. D [9]. E [0].', 4)).toEqual([2, 1, 3, 4]);
    expect(extractCitations('No markers here, or [x].', 3)).toEqual([]);
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
