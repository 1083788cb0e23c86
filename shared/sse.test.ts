import { describe, expect, it } from 'vitest';
import {
  decodeSseMessage,
  encodeSseComment,
  encodeSseControl,
  encodeSseEvent,
  SseDecoder,
} from './sse';
import { deltaEvents, makeEvent } from '../test/helpers/stream-events';

describe('SSE codec', () => {
  const events = [
    makeEvent('chat:m1', 1, 'message.start', {
      messageId: 'm1',
      conversationId: 'c1',
      provider: null,
      model: null,
    }),
    makeEvent('chat:m1', 2, 'message.delta', { text: 'line one\nline two: "quoted" \r\n' }),
    makeEvent('chat:m1', 3, 'step', {
      step: 'search',
      status: 'running',
      label: 'Searching 1,204 passages',
      category: 'action',
      progress: null,
    }),
  ];
  const wire = events.map(encodeSseEvent).join('') + encodeSseComment('ping');

  it('round-trips events and skips comments', () => {
    const decoder = new SseDecoder();
    const messages = decoder.push(wire);
    expect(messages.map((m) => decodeSseMessage(m))).toEqual(
      events.map((event) => ({ kind: 'event', event })),
    );
    expect(decoder.comments).toBe(1);
    expect(decoder.lastEventId).toBe('3');
  });

  it('decodes the same messages whatever the chunk boundaries', () => {
    const expected = new SseDecoder().push(wire);
    for (let size = 1; size <= 17; size++) {
      const decoder = new SseDecoder();
      const got = [];
      for (let i = 0; i < wire.length; i += size)
        got.push(...decoder.push(wire.slice(i, i + size)));
      expect(got).toEqual(expected);
    }
  });

  it('joins multi-line data, handles CRLF split across chunks, BOM and field edge cases', () => {
    const decoder = new SseDecoder();
    const got = [
      ...decoder.push('\uFEFFevent: custom\r'),
      ...decoder.push('\ndata: first\r\ndata:second\rdata\nid: 7\nretry: 1500\n: a comment\n'),
      ...decoder.push('\r\n'),
    ];
    expect(got).toEqual([{ event: 'custom', data: 'first\nsecond\n', id: '7', retry: 1500 }]);
  });

  it('ignores a message without data and discards an unterminated one', () => {
    const decoder = new SseDecoder();
    expect(decoder.push('event: nothing\n\n')).toEqual([]);
    expect(decoder.push('data: half')).toEqual([]);
    decoder.end();
    expect(decoder.push('\n\n')).toEqual([]);
  });

  it('reports invalid data instead of throwing', () => {
    const decoder = new SseDecoder();
    const [notJson, wrongShape, mismatch] = decoder.push(
      'data: {oops\n\n' +
        'event: message.delta\ndata: {"stream":"x","seq":0}\n\n' +
        `id: 9\nevent: message.delta\ndata: ${JSON.stringify(deltaEvents('chat:a', 1)[0])}\n\n`,
    );
    expect(decodeSseMessage(notJson!).kind).toBe('invalid');
    expect(decodeSseMessage(wrongShape!).kind).toBe('invalid');
    expect(decodeSseMessage(mismatch!)).toMatchObject({
      kind: 'invalid',
      reason: 'id and seq differ',
    });
  });

  it('encodes control messages without an id, so Last-Event-ID does not move', () => {
    const decoder = new SseDecoder();
    decoder.lastEventId = '41';
    const [message] = decoder.push(encodeSseControl('quire.resync', { lastSeq: 99 }));
    expect(message?.id).toBe('41');
    expect(decodeSseMessage(message!)).toEqual({
      kind: 'control',
      name: 'quire.resync',
      data: { lastSeq: 99 },
    });
  });
});
