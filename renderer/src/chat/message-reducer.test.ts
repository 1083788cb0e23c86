import { describe, expect, it } from 'vitest';
import type { Source, StreamEvent } from '../api/event-types';
import { makeEvent } from '../../../test/helpers/stream-events';
import {
  applyChatEvent,
  applyChatEvents,
  pendingAssistant,
  type ChatMessage,
} from './message-reducer';

const S = 'chat:m1';

const source: Source = {
  n: 1,
  chunkId: 'c1',
  documentId: 'd1',
  title: 'Paper',
  path: '/paper.pdf',
  pageStart: 3,
  pageEnd: 3,
  charStart: 10,
  charEnd: 90,
  headingPath: [],
  snippet: 'A passage.',
  score: 0.8,
};

/** A whole answer, as the core streams it. */
function answerFixture(finish: 'stop' | 'cancelled' = 'stop'): StreamEvent[] {
  let seq = 0;
  const e = <K extends Parameters<typeof makeEvent>[2]>(
    type: K,
    data: Parameters<typeof makeEvent<K>>[3],
  ) => makeEvent(S, ++seq, type, data);
  return [
    e('message.start', {
      messageId: 'm1',
      conversationId: 'c1',
      provider: 'embedded',
      model: 'tiny',
    }),
    e('step', {
      step: 'understand',
      status: 'running',
      label: 'Understanding your question',
      category: 'thinking',
      progress: null,
    }),
    e('step', {
      step: 'understand',
      status: 'done',
      label: 'Understanding your question',
      category: 'thinking',
      progress: null,
    }),
    e('step', {
      step: 'search',
      status: 'running',
      label: 'Searching 1,204 passages',
      category: 'action',
      progress: null,
    }),
    e('step', {
      step: 'search',
      status: 'done',
      label: 'Searching 1,204 passages',
      category: 'action',
      progress: null,
    }),
    e('message.sources', { sources: [source], mode: 'answer' }),
    e('step', {
      step: 'write',
      status: 'running',
      label: 'Writing the answer',
      category: 'action',
      progress: null,
    }),
    e('message.delta', { text: 'The answer ' }),
    e('message.delta', { text: 'is **42** ' }),
    e('message.delta', { text: '[1].' }),
    e('message.end', {
      finishReason: finish,
      usage: { promptTokens: 100, completionTokens: 7 },
      timings: { firstTokenMs: 120, totalMs: 900 },
      citations: [1],
    }),
  ];
}

const fresh = (): ChatMessage => pendingAssistant('m1', 'c1', 0);

describe('applyChatEvents', () => {
  it('builds the message: steps, sources, text and the end', () => {
    const state = applyChatEvents(fresh(), answerFixture());
    expect(state.text).toBe('The answer is **42** [1].');
    expect(state.status).toBe('complete');
    expect(state.finishReason).toBe('stop');
    expect(state.mode).toBe('answer');
    expect(state.sources).toEqual([source]);
    expect(state.citations).toEqual([1]);
    expect(state.provider).toBe('embedded');
    expect(state.steps.map((s) => [s.step, s.status])).toEqual([
      ['understand', 'done'],
      ['search', 'done'],
      ['write', 'done'], // settled by message.end
    ]);
    expect(state.lastSeq).toBe(11);
    expect(state.gap).toBe(false);
  });

  it('gives the same state one event at a time, and in frames of any size', () => {
    const events = answerFixture();
    const single = events.reduce(applyChatEvent, fresh());
    expect(applyChatEvents(fresh(), events)).toEqual(single);
    for (const size of [2, 3, 5]) {
      let state = fresh();
      for (let i = 0; i < events.length; i += size)
        state = applyChatEvents(state, events.slice(i, i + size));
      expect(state).toEqual(single);
    }
  });

  it('shows partial text while streaming', () => {
    const state = applyChatEvents(fresh(), answerFixture().slice(0, 9));
    expect(state.status).toBe('streaming');
    expect(state.text).toBe('The answer is **42** ');
    expect(state.steps.at(-1)).toMatchObject({ step: 'write', status: 'running' });
  });

  it('keeps the partial answer when stopped', () => {
    const events = answerFixture('cancelled');
    const state = applyChatEvents(fresh(), [...events.slice(0, 8), { ...events[10]!, seq: 9 }]);
    expect(state.status).toBe('cancelled');
    expect(state.text).toBe('The answer ');
  });

  it('turns an error into an error state with its retry flag; running steps fail', () => {
    const events = answerFixture().slice(0, 4);
    const state = applyChatEvents(fresh(), [
      ...events,
      makeEvent(S, 5, 'message.error', {
        code: 'timeout',
        message: 'The model took too long.',
        retryable: true,
      }),
    ]);
    expect(state.status).toBe('error');
    expect(state.error).toEqual({
      code: 'timeout',
      message: 'The model took too long.',
      retryable: true,
    });
    expect(state.steps.find((s) => s.step === 'search')?.status).toBe('error');
  });

  it('search mode: sources without a model', () => {
    const state = applyChatEvents(fresh(), [
      makeEvent(S, 1, 'message.start', {
        messageId: 'm1',
        conversationId: 'c1',
        provider: null,
        model: null,
      }),
      makeEvent(S, 2, 'message.sources', { sources: [source], mode: 'search' }),
      makeEvent(S, 3, 'message.end', {
        finishReason: 'stop',
        usage: { promptTokens: 0, completionTokens: 0 },
        timings: { firstTokenMs: null, totalMs: 30 },
        citations: [],
      }),
    ]);
    expect(state.mode).toBe('search');
    expect(state.status).toBe('complete');
    expect(state.text).toBe('');
  });

  it('ignores duplicates (contiguous seq) and flags a gap', () => {
    const events = answerFixture();
    const twice = applyChatEvents(fresh(), [...events.slice(0, 9), ...events.slice(5, 9)]);
    expect(twice.text).toBe('The answer is **42** ');
    expect(twice.gap).toBe(false);
    const missing = applyChatEvents(fresh(), [...events.slice(0, 7), ...events.slice(8)]);
    expect(missing.gap).toBe(true);
    expect(missing.text).toBe('is **42** [1].');
  });

  it('a replay from the first event rebuilds instead of doubling the text', () => {
    const events = answerFixture();
    const partial = applyChatEvents(fresh(), events.slice(0, 9));
    const replayed = applyChatEvents({ ...partial, lastSeq: 0 }, events);
    expect(replayed.text).toBe('The answer is **42** [1].');
  });

  it('does not mutate its input', () => {
    const start = fresh();
    const copy = structuredClone(start);
    applyChatEvents(start, answerFixture());
    expect(start).toEqual(copy);
  });

  it('applies 200 tokens per second of deltas in frames without losing one', () => {
    const deltas = Array.from({ length: 2000 }, (_, i) =>
      makeEvent(S, i + 1, 'message.delta', { text: `t${i} ` }),
    );
    let state = fresh();
    for (let i = 0; i < deltas.length; i += 4)
      state = applyChatEvents(state, deltas.slice(i, i + 4));
    expect(state.text.split(' ').length - 1).toBe(2000);
    expect(state.text.startsWith('t0 t1 t2 ')).toBe(true);
    expect(state.lastSeq).toBe(2000);
  });
});
