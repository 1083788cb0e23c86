// Property tests of the SSE decoder: random events, random byte splits, truncation and garbage.
// A failure prints fast-check's seed and path; pass them back as { seed, path } to replay it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from './events';
import {
  decodeSseMessage,
  encodeSseComment,
  encodeSseControl,
  encodeSseEvent,
  SseDecoder,
  type SseMessage,
} from './sse';
import { makeEvent } from '../test/helpers/stream-events';

const RUNS = 1000;

/** Text with the characters that matter to the grammar, plus any unicode. */
const trickyText = fc.array(
  fc.oneof(
    fc.constantFrom(
      '\n',
      '\r',
      '\r\n',
      ':',
      ' ',
      'data:',
      'id:',
      '\u0000',
      '\uFEFF',
      'é',
      '😀',
      '"',
    ),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
  ),
  { maxLength: 30 },
);

const eventList = fc
  .array(
    fc.oneof(
      trickyText.map((parts) => ({ kind: 'delta' as const, text: parts.join('') })),
      trickyText.map((parts) => ({ kind: 'comment' as const, text: parts.join('') })),
      fc.integer().map((n) => ({ kind: 'control' as const, n })),
    ),
    { maxLength: 25 },
  )
  .map((items) => {
    let seq = 0;
    const events: StreamEvent[] = [];
    const wire = items
      .map((item) => {
        if (item.kind === 'comment') return encodeSseComment(item.text);
        if (item.kind === 'control') return encodeSseControl('quire.snapshot', { n: item.n });
        const event = makeEvent('chat:m1', ++seq, 'message.delta', { text: item.text });
        events.push(event);
        return encodeSseEvent(event);
      })
      .join('');
    return { events, wire };
  });

/**
 * Split points: fractions of the input, or "just after the n-th CR" given twice, which puts an
 * empty chunk between a CR and the LF that may follow it (the hardest place to split).
 */
type Cut = number | { afterCr: number };
const cuts = fc.array(
  fc.oneof(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.nat().map((n): Cut => ({ afterCr: n })),
  ),
  { maxLength: 40 },
);

function splitAt<T extends { length: number; slice(a: number, b?: number): T }>(
  input: T,
  fractions: Cut[],
  at: (i: number) => number,
): T[] {
  const crs: number[] = [];
  for (let i = 0; i < input.length; i++) if (at(i) === 13) crs.push(i + 1);
  const points = fractions
    .flatMap((f) => {
      if (typeof f === 'number') return [Math.floor(f * input.length)];
      const p = crs.length > 0 ? crs[f.afterCr % crs.length]! : 0;
      return [p, p];
    })
    .sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(input.slice(from, p));
    from = p;
  }
  pieces.push(input.slice(from));
  return pieces;
}

const splitBytes = (bytes: Uint8Array, f: Cut[]) => splitAt(bytes, f, (i) => bytes[i]!);
const splitText = (text: string, f: Cut[]) => splitAt(text, f, (i) => text.charCodeAt(i));

/** Feeds bytes as a network reader would: a streaming UTF-8 decoder in front of the parser. */
function decodeBytes(chunks: Uint8Array[]): { messages: SseMessage[]; decoder: SseDecoder } {
  const decoder = new SseDecoder();
  const text = new TextDecoder('utf-8');
  const messages: SseMessage[] = [];
  for (const chunk of chunks) messages.push(...decoder.push(text.decode(chunk, { stream: true })));
  messages.push(...decoder.push(text.decode()));
  return { messages, decoder };
}

function decodeWhole(wire: string): SseMessage[] {
  return new SseDecoder().push(wire);
}

function decodeChunks(chunks: string[]): SseMessage[] {
  const decoder = new SseDecoder();
  return chunks.flatMap((c) => decoder.push(c));
}

describe('SSE decoder under random input (properties)', () => {
  it('gets every event back, in order, however the bytes are split', () => {
    fc.assert(
      fc.property(eventList, cuts, ({ events, wire }, fractions) => {
        const bytes = new TextEncoder().encode(wire);
        const { messages } = decodeBytes(splitBytes(bytes, fractions));
        const decoded = messages.map(decodeSseMessage);
        expect(decoded.filter((d) => d.kind === 'invalid')).toEqual([]);
        expect(decoded.flatMap((d) => (d.kind === 'event' ? [d.event] : []))).toEqual(events);
      }),
      { numRuns: RUNS },
    );
  });

  it('yields only whole messages, a prefix of the full stream, when the stream is cut short', () => {
    fc.assert(
      fc.property(
        eventList,
        fc.double({ min: 0, max: 1, noNaN: true }),
        cuts,
        ({ events, wire }, at, fractions) => {
          const bytes = new TextEncoder().encode(wire);
          const truncated = bytes.slice(0, Math.floor(at * bytes.length));
          const { messages, decoder } = decodeBytes(splitBytes(truncated, fractions));
          decoder.end();
          const full = decodeWhole(wire);
          expect(messages).toEqual(full.slice(0, messages.length));
          const got = messages
            .map(decodeSseMessage)
            .flatMap((d) => (d.kind === 'event' ? [d.event] : []));
          expect(got).toEqual(events.slice(0, got.length));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parses any text the same in chunks (empty ones included) as whole, and never throws', () => {
    fc.assert(
      fc.property(trickyText, cuts, (parts, fractions) => {
        const wire = parts.join('');
        const whole = decodeWhole(wire);
        expect(decodeChunks(splitText(wire, fractions))).toEqual(whole);
        for (const message of whole)
          expect(['event', 'control', 'invalid']).toContain(decodeSseMessage(message).kind);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('survives random bytes: no throw, and every decoded event is schema-valid', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), cuts, (bytes, fractions) => {
        const { messages } = decodeBytes(splitBytes(bytes, fractions));
        for (const message of messages) {
          const decoded = decodeSseMessage(message);
          if (decoded.kind === 'event') expect(decoded.event.seq).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects well-formed messages whose JSON is damaged, with a reason', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.string({ maxLength: 5 }),
        (text, at, noise) => {
          const json = JSON.stringify(makeEvent('chat:m1', 1, 'message.delta', { text }));
          const cut = at % json.length;
          const damaged = json.slice(0, cut) + noise;
          fc.pre(damaged !== json);
          const [message] = decodeWhole(`id: 1\nevent: message.delta\ndata: ${damaged}\n\n`);
          const decoded = decodeSseMessage(message!);
          if (decoded.kind === 'event') expect(decoded.event.data).toBeDefined();
          else expect(decoded).toMatchObject({ kind: 'invalid', reason: expect.any(String) });
        },
      ),
      { numRuns: RUNS },
    );
  });

  // A line fed one character at a time used to be rescanned on every push (quadratic: an
  // 80,000-character line took a minute). This finishes at once when work is linear.
  it('reads a 200,000-character line fed one character at a time', { timeout: 30_000 }, () => {
    const decoder = new SseDecoder();
    decoder.push('data: ');
    let early = 0;
    for (let i = 0; i < 200_000; i++) early += decoder.push('x').length;
    const [message] = decoder.push('\r\n\r\n');
    expect(early).toBe(0);
    expect(message?.data.length).toBe(200_000);
  });
});
