import { StreamEventSchema, type StreamEvent } from './events';

/** One dispatched Server-Sent Events message, as the WHATWG event-stream grammar defines it. */
export type SseMessage = {
  event: string;
  data: string;
  id: string | null;
  retry: number | null;
};

/** Control messages carry a SubscribeResult and no id, so they never move Last-Event-ID. */
export const SSE_SNAPSHOT_EVENT = 'quire.snapshot';
export const SSE_RESYNC_EVENT = 'quire.resync';

export function encodeSseEvent(event: StreamEvent): string {
  // JSON.stringify never emits raw newlines, so one data line is enough.
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function encodeSseComment(text: string): string {
  return (
    text
      .split(/\r\n|\r|\n/)
      .map((line) => `: ${line}`)
      .join('\n') + '\n\n'
  );
}

/** A control message with no id: it must not move the client's Last-Event-ID. */
export function encodeSseControl(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function encodeSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/**
 * Incremental event-stream parser. Feed it text in arbitrary chunks; it returns the
 * messages completed by each chunk. Handles CRLF split across chunks (empty chunks
 * included), comments, multi-line data and a leading BOM. Work is linear in the input
 * however it is chunked: a long line is kept in pieces and joined once, when it ends.
 */
export class SseDecoder {
  private partialLine: string[] = [];
  private sawFirstChunk = false;
  private pendingCR = false;
  private dataLines: string[] = [];
  private eventName = '';
  private hasData = false;
  private retry: number | null = null;
  /** Persists across messages, as in EventSource. */
  lastEventId: string | null = null;
  private idSeenInMessage = false;
  comments: number = 0;

  push(chunk: string): SseMessage[] {
    // An empty chunk must not clear a pending CR: its LF may still come next.
    if (chunk.length === 0) return [];
    if (!this.sawFirstChunk) {
      this.sawFirstChunk = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let start = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (chunk.charCodeAt(0) === 10) start = 1;
    }
    const out: SseMessage[] = [];
    for (let i = start; i < chunk.length; i++) {
      const ch = chunk.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      const tail = chunk.slice(start, i);
      const line = this.partialLine.length > 0 ? this.partialLine.join('') + tail : tail;
      this.partialLine = [];
      if (ch === 13) {
        if (i + 1 < chunk.length) {
          if (chunk.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const message = this.processLine(line);
      if (message) out.push(message);
    }
    if (start < chunk.length) this.partialLine.push(chunk.slice(start));
    return out;
  }

  /** Call at end of stream: an unterminated message is discarded, as the spec requires. */
  end(): void {
    this.partialLine = [];
    this.resetMessage();
  }

  private resetMessage() {
    this.dataLines = [];
    this.eventName = '';
    this.hasData = false;
    this.retry = null;
    this.idSeenInMessage = false;
  }

  private processLine(line: string): SseMessage | null {
    if (line === '') {
      if (!this.hasData) {
        this.resetMessage();
        return null;
      }
      const message: SseMessage = {
        event: this.eventName || 'message',
        data: this.dataLines.join('\n'),
        id: this.lastEventId,
        retry: this.retry,
      };
      this.resetMessage();
      return message;
    }
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) {
          this.lastEventId = value;
          this.idSeenInMessage = true;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored by the grammar
    }
    return null;
  }
}

export type DecodedEvent =
  | { kind: 'event'; event: StreamEvent }
  | { kind: 'control'; name: string; data: unknown }
  | { kind: 'invalid'; reason: string; message: SseMessage };

/** Validates one SSE message against the StreamEvent schema. Never throws. */
export function decodeSseMessage(message: SseMessage): DecodedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.data);
  } catch {
    return { kind: 'invalid', reason: 'data is not JSON', message };
  }
  if (message.event.startsWith('quire.'))
    return { kind: 'control', name: message.event, data: parsed };
  const result = StreamEventSchema.safeParse(parsed);
  if (!result.success)
    return { kind: 'invalid', reason: result.error.issues[0]?.message ?? 'schema', message };
  const event = result.data;
  if (message.event !== event.type)
    return { kind: 'invalid', reason: 'event name and type differ', message };
  if (message.id !== null && message.id !== String(event.seq)) {
    return { kind: 'invalid', reason: 'id and seq differ', message };
  }
  return { kind: 'event', event };
}
