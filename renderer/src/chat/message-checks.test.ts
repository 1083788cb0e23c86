import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { AnswerChecks } from '../../../shared/answer-checks';
import type { StreamHandlers, Transport } from '../../../shared/transport';
import { makeEvent } from '../../../test/helpers/stream-events';
import type { StreamEvent } from '../api/event-types';
import { queryKeys } from '../hooks/query-keys';
import type { Scheduler } from '../lib/frame-batcher';
import { ChatStreams } from './chat-streams';
import {
  applyChatEvent,
  applyChatEvents,
  pendingAssistant,
  type ChatMessage,
} from './message-reducer';

const S = 'chat:m1';
const FIRST = 'Sales rose 12 % [1].';
const SECOND = ' The team grew [1].';

const partial: AnswerChecks = {
  sentences: [
    {
      start: 0,
      end: FIRST.length,
      citations: [1],
      verdict: 'unsupported',
      missing: [{ kind: 'number', text: '12 %', sources: [1] }],
      evidence: [],
      entailment: null,
      note: '12 % is not in source 1',
    },
  ],
  final: false,
  layers: ['words'],
  model: null,
  checked: 1,
  notBacked: 1,
  note: null,
};

const final: AnswerChecks = {
  ...partial,
  sentences: [
    ...partial.sentences,
    {
      start: FIRST.length,
      end: FIRST.length + SECOND.length,
      citations: [1],
      verdict: 'supported',
      missing: [],
      evidence: [{ n: 1, start: 4, end: 18 }],
      entailment: null,
      note: '',
    },
  ],
  final: true,
  checked: 2,
  note: 'Only words and numbers were checked.',
};

/** An answer whose checks arrive as its sentences end, then once more, whole, at the end. */
function checkedAnswer(): StreamEvent[] {
  let seq = 0;
  const e = <K extends Parameters<typeof makeEvent>[2]>(
    type: K,
    data: Parameters<typeof makeEvent<K>>[3],
  ) => makeEvent(S, ++seq, type, data);
  return [
    e('message.start', { messageId: 'm1', conversationId: 'c1', provider: 'x', model: 'y' }),
    e('message.sources', { sources: [], mode: 'answer' }),
    e('message.delta', { text: 'Sales rose ' }),
    e('message.delta', { text: '12 % [1].' }),
    e('message.checks', partial),
    e('message.delta', { text: SECOND }),
    e('message.checks', final),
    e('message.end', {
      finishReason: 'stop',
      usage: { promptTokens: 10, completionTokens: 9 },
      timings: { firstTokenMs: 5, totalMs: 50 },
      citations: [1],
    }),
  ];
}

const fresh = (): ChatMessage => pendingAssistant('m1', 'c1', 0);

describe('message.checks in the reducer', () => {
  it('stores the latest checks, each emission replacing the last whole', () => {
    const events = checkedAnswer();
    const mid = applyChatEvents(fresh(), events.slice(0, 5));
    expect(mid.checks).toEqual(partial);
    expect(mid.text).toBe(FIRST);
    const done = applyChatEvents(fresh(), events);
    expect(done.checks).toEqual(final);
    expect(done.checks?.sentences).toHaveLength(2);
    expect(done.status).toBe('complete');
    expect(done.text).toBe(FIRST + SECOND);
  });

  it('a frame mixing deltas and checks keeps the text the offsets refer to', () => {
    const events = checkedAnswer();
    const single = events.reduce(applyChatEvent, fresh());
    for (const size of [2, 3, 4, 8]) {
      let state = fresh();
      for (let i = 0; i < events.length; i += size)
        state = applyChatEvents(state, events.slice(i, i + size));
      expect(state).toEqual(single);
    }
  });

  it('a replay from seq 0 drops checks of the earlier attempt, then rebuilds them', () => {
    const events = checkedAnswer();
    const stale = { ...applyChatEvents(fresh(), events), lastSeq: 0 };
    expect(applyChatEvents(stale, events.slice(0, 3)).checks).toBeNull();
    expect(applyChatEvents(stale, events).checks).toEqual(final);
  });

  it('a message with no checks event has none', () => {
    const events = checkedAnswer().filter((e) => e.type !== 'message.checks');
    expect(applyChatEvents(fresh(), events).checks).toBeNull();
  });
});

describe('message.checks through ChatStreams', () => {
  function setup() {
    const follows: { handlers: StreamHandlers }[] = [];
    const transport = {
      kind: 'memory',
      connectionState: 'connected',
      follow(_stream: string, handlers: StreamHandlers) {
        follows.push({ handlers });
        return () => {};
      },
      onConnectionState: () => () => {},
      close() {},
    } as unknown as Transport;
    const pending: (() => void)[] = [];
    const schedule: Scheduler = (run) => {
      pending.push(run);
      return () => {};
    };
    const client = new QueryClient();
    const streams = new ChatStreams(transport, client, schedule);
    const tick = () => pending.splice(0).forEach((run) => run());
    const live = () => client.getQueryData<ChatMessage>(queryKeys.chat.live('m1'));
    return { follows, streams, tick, live };
  }

  it('a reload mid-answer shows the latest checks from the replayed events', () => {
    const { follows, streams, tick, live } = setup();
    streams.follow('m1', 'c1');
    // The replay after a reload: every buffered event from seq 1, in one go.
    for (const event of checkedAnswer().slice(0, 6)) follows[0]!.handlers.onEvent(event);
    tick();
    expect(live()?.checks).toEqual(partial);
    expect(live()?.status).toBe('streaming');
  });

  it('a resync snapshot carries the checks, and later events replace them', () => {
    const { follows, streams, tick, live } = setup();
    streams.follow('m1', 'c1');
    follows[0]!.handlers.onSnapshot({
      stream: S,
      snapshot: { ...pendingAssistant('m1', 'c1', 0), text: FIRST, checks: partial },
      lastSeq: 5,
      events: [],
      resync: true,
    });
    expect(live()?.checks).toEqual(partial);
    const rest = checkedAnswer().slice(5, 7);
    for (const event of rest) follows[0]!.handlers.onEvent(event);
    tick();
    expect(live()?.checks).toEqual(final);
    expect(live()?.text).toBe(FIRST + SECOND);
  });
});
