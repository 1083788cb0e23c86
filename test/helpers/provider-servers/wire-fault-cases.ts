// The faults every streaming provider must survive the same way, run against its own
// wire-format server: a dropped connection, bad data, silence, and the user's Stop.
import { expect, it } from 'vitest';
import type {
  ChatTurn,
  LlmProvider,
  ProviderTimeouts,
} from '../../../electron/core/providers/types';
import { collectStream } from './collect-stream';
import type { RecordedRequest, WireServer } from './wire-server-base';

export type WireFaultSubject = {
  server: () => WireServer;
  provider: (options?: { timeouts?: ProviderTimeouts }) => Promise<LlmProvider>;
  /** The requests that asked for an answer (not model lists). */
  answerRequests: () => RecordedRequest[];
  messages: ChatTurn[];
  tokens: string[];
};

const signal = () => new AbortController().signal;

export function itSurvivesWireFaults(subject: WireFaultSubject): void {
  const { messages, tokens } = subject;
  const stream = async (options?: { timeouts?: ProviderTimeouts }, abort = signal()) =>
    (await subject.provider(options)).stream({ messages, signal: abort });

  it('a mid-stream disconnect is a retryable bad_response, after the partial text', async () => {
    subject.server().setBehaviour({ type: 'disconnect', tokens, after: 2 });
    const out = await collectStream(await stream());
    expect(out.text).toBe(tokens.slice(0, 2).join(''));
    expect(out.error).toMatchObject({ code: 'bad_response', retryable: true });
  });

  it('malformed stream data is a bad_response that is not retryable', async () => {
    subject.server().setBehaviour({ type: 'malformed', tokens, after: 1 });
    const out = await collectStream(await stream());
    expect(out.deltas).toEqual(tokens.slice(0, 1));
    expect(out.error).toMatchObject({ code: 'bad_response', retryable: false });
  });

  it('fires the idle time-out when the server goes silent mid-stream, and hangs up', async () => {
    subject.server().setBehaviour({ type: 'hang', tokens, after: 2 });
    const out = await collectStream(await stream({ timeouts: { idleMs: 300 } }));
    expect(out.error).toMatchObject({ code: 'timeout', retryable: true });
    await subject.answerRequests()[0]?.closed;
    expect(subject.answerRequests()[0]?.closedEarly).toBe(true);
  });

  it('fires the connect time-out when no headers arrive', async () => {
    subject.server().setBehaviour({ type: 'hang-before-headers' });
    const out = await collectStream(await stream({ timeouts: { connectMs: 300 } }));
    expect(out.error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('abort stops the stream, returns cancelled, and closes the connection', async () => {
    const many = Array.from({ length: 200 }, (_, i) => ` t${i}`);
    subject.server().setBehaviour({ type: 'stream', tokens: many, delayMs: 20 });
    const controller = new AbortController();
    const out = await collectStream(await stream(undefined, controller.signal), (_d, i) => {
      if (i === 1) controller.abort();
    });
    expect(out.error).toBeUndefined();
    expect(out.result?.finishReason).toBe('cancelled');
    expect(out.text.startsWith(' t0 t1')).toBe(true);
    const request = subject.answerRequests()[0];
    await request?.closed;
    expect(request?.closedEarly).toBe(true);
    expect(request?.sent).toBeLessThan(many.length);
  });
}
