import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { StreamHandlers, Transport } from '../../../shared/transport';
import { makeEvent } from '../../../test/helpers/stream-events';
import type { ConversationDetail } from '../api/call';
import { queryKeys } from '../hooks/query-keys';
import type { Scheduler } from '../lib/frame-batcher';
import { ChatStreams } from './chat-streams';
import { pendingAssistant, pendingUser, type ChatMessage } from './message-reducer';

function fakeTransport() {
  const follows: {
    stream: string;
    handlers: StreamHandlers;
    afterSeq?: number;
    stopped: boolean;
  }[] = [];
  const transport = {
    kind: 'memory',
    connectionState: 'connected',
    invoke: async () => ({ ok: false, error: { code: 'unknown_method', message: '' } }),
    follow(stream: string, handlers: StreamHandlers, afterSeq?: number) {
      const entry = { stream, handlers, afterSeq, stopped: false };
      follows.push(entry);
      return () => {
        entry.stopped = true;
      };
    },
    onConnectionState: () => () => {},
    close() {},
  } as unknown as Transport;
  return { transport, follows };
}

function frames() {
  const pending: (() => void)[] = [];
  const schedule: Scheduler = (run) => {
    pending.push(run);
    return () => {
      const i = pending.indexOf(run);
      if (i >= 0) pending.splice(i, 1);
    };
  };
  return { schedule, tick: () => pending.splice(0).forEach((run) => run()) };
}

const S = 'chat:m1';

describe('ChatStreams', () => {
  it('follows from seq 0, reduces a frame of events at once, and stops at the end', () => {
    const { transport, follows } = fakeTransport();
    const clock = frames();
    const client = new QueryClient();
    const { steps: _s, lastSeq: _l, gap: _g, ...assistant } = pendingAssistant('m1', 'c1', 0);
    client.setQueryData<ConversationDetail>(queryKeys.conversations.detail('c1'), {
      conversation: { id: 'c1', title: 't', createdAt: 0, updatedAt: 0, messageCount: 2 },
      messages: [pendingUser('u1', 'c1', 'q', 0), assistant],
    });
    const streams = new ChatStreams(transport, client, clock.schedule);
    streams.follow('m1', 'c1');
    expect(follows).toHaveLength(1);
    expect(follows[0]).toMatchObject({ stream: S, afterSeq: 0 });

    let renders = 0;
    const unsubscribe = client.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && e.query.queryKey[2] === 'm1') renders++;
    });
    const { onEvent } = follows[0]!.handlers;
    onEvent(
      makeEvent(S, 1, 'message.start', {
        messageId: 'm1',
        conversationId: 'c1',
        provider: 'x',
        model: 'y',
      }),
    );
    for (let i = 0; i < 10; i++) onEvent(makeEvent(S, i + 2, 'message.delta', { text: `t${i} ` }));
    expect(renders).toBe(0); // nothing until the frame
    clock.tick();
    expect(renders).toBe(1); // one cache write for eleven events
    const live = client.getQueryData<ChatMessage>(queryKeys.chat.live('m1'));
    expect(live?.text).toBe('t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ');
    expect(live?.status).toBe('streaming');

    onEvent(
      makeEvent(S, 12, 'message.end', {
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 10 },
        timings: { firstTokenMs: 5, totalMs: 50 },
        citations: [],
      }),
    );
    clock.tick();
    expect(follows[0]!.stopped).toBe(true);
    expect(streams.isFollowing('m1')).toBe(false);
    const detail = client.getQueryData<ConversationDetail>(queryKeys.conversations.detail('c1'));
    expect(detail?.messages[1]).toMatchObject({ id: 'm1', status: 'complete', text: live?.text });
    expect(detail?.messages[1]).not.toHaveProperty('steps');
    unsubscribe();
  });

  it('following twice shares one subscription; dispose stops everything', () => {
    const { transport, follows } = fakeTransport();
    const streams = new ChatStreams(transport, new QueryClient(), frames().schedule);
    const a = streams.follow('m1', 'c1');
    const b = streams.follow('m1', 'c1');
    expect(follows).toHaveLength(1);
    expect(a).toBe(b);
    streams.follow('m2', 'c1');
    streams.dispose();
    expect(follows.every((f) => f.stopped)).toBe(true);
  });

  it('a resync snapshot carrying the message replaces the state', () => {
    const { transport, follows } = fakeTransport();
    const clock = frames();
    const client = new QueryClient();
    const streams = new ChatStreams(transport, client, clock.schedule);
    streams.follow('m1', 'c1');
    const snapshotMessage = { ...pendingAssistant('m1', 'c1', 0), text: 'so far' };
    follows[0]!.handlers.onSnapshot({
      stream: S,
      snapshot: snapshotMessage,
      lastSeq: 40,
      events: [],
      resync: true,
    });
    follows[0]!.handlers.onEvent(makeEvent(S, 41, 'message.delta', { text: ' and more' }));
    clock.tick();
    const live = client.getQueryData<ChatMessage>(queryKeys.chat.live('m1'));
    expect(live?.text).toBe('so far and more');
    expect(live?.gap).toBe(false);
  });
});
