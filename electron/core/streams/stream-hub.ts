import {
  EVENT_CATEGORY,
  type EventCategory,
  type EventData,
  type EventType,
  type StreamEvent,
} from '../../../shared/events';
import type { StreamStatus, SubscribeResult } from '../../../shared/contract';
import { OWNER, type Principal } from '../../../shared/contract/access';
import { QuireError } from '../../../shared/errors';
import {
  carries,
  type EventTypeOn,
  type SnapshotOf,
  type StreamId,
  type StreamIdOf,
  type StreamKind,
} from '../../../shared/stream-kinds';

export type SnapshotProvider<K extends StreamKind = StreamKind> = (
  stream: StreamIdOf<K>,
) => SnapshotOf<StreamIdOf<K>>;
export type EventListener = (event: StreamEvent) => void;

/**
 * What one principal may see of a stream (a team server's private conversations): null when it
 * may not follow the stream at all; otherwise its share of the snapshot and of the events.
 */
export type StreamAudience = (
  stream: string,
  principal: Principal,
) => null | { snapshot?: (snapshot: unknown) => unknown; event?: (event: StreamEvent) => boolean };

export type StreamHubOptions = {
  /** Events kept per stream for replay. */
  bufferSize?: number;
  /** How long a finished stream stays readable before it is dropped. */
  finishedTtlMs?: number;
  now?: () => number;
};

type Subscriber = { listener: EventListener; categories: ReadonlySet<EventCategory> | null };

type StreamState = {
  lastSeq: number;
  buffer: StreamEvent[];
  subscribers: Set<Subscriber>;
  finished: boolean;
  cleanupTimer: ReturnType<typeof setTimeout> | null;
};

export type Subscription = SubscribeResult & { unsubscribe: () => void };

/**
 * The stream hub: one ordered, replayable event log per context id.
 * Delivery is push-only; nothing here polls.
 */
export class StreamHub {
  private readonly streams = new Map<string, StreamState>();
  private readonly providers: {
    match: (stream: string) => boolean;
    provide: (stream: string) => unknown;
  }[] = [];
  private readonly audiences: { match: (stream: string) => boolean; audience: StreamAudience }[] =
    [];
  private readonly globalListeners = new Set<EventListener>();
  private readonly bufferSize: number;
  private readonly finishedTtlMs: number;
  private readonly now: () => number;

  constructor(options: StreamHubOptions = {}) {
    this.bufferSize = options.bufferSize ?? 2000;
    this.finishedTtlMs = options.finishedTtlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Registers the state source for the streams of one kind (`chat` serves every `chat:<id>`). */
  registerSnapshotProvider<K extends StreamKind>(
    kind: K,
    provide: SnapshotProvider<K>,
  ): () => void {
    const entry = {
      match: (stream: string) => stream === kind || stream.startsWith(`${kind}:`),
      provide: (stream: string) => provide(stream as StreamIdOf<K>),
    };
    this.providers.push(entry);
    return () => {
      const i = this.providers.indexOf(entry);
      if (i >= 0) this.providers.splice(i, 1);
    };
  }

  /** Who may follow the streams of one kind, and what of them; every stream is open without one. */
  registerAudience(kind: StreamKind, audience: StreamAudience): void {
    this.audiences.push({
      match: (stream) => stream === kind || stream.startsWith(`${kind}:`),
      audience,
    });
  }

  /** The principal's view of a stream; a stream it may not follow is "not found", so ids do not leak. */
  viewOf(stream: string, principal: Principal = OWNER) {
    const entry = this.audiences.find((a) => a.match(stream));
    const view = entry ? entry.audience(stream, principal) : {};
    if (!view) throw new QuireError('not_found', `Unknown stream "${stream}".`);
    return view;
  }

  /** Only the events a stream's kind carries type-check (shared/stream-kinds.ts). */
  emit<S extends StreamId, K extends EventTypeOn<S> & EventType>(
    stream: S,
    type: K,
    data: EventData[K],
  ): StreamEvent {
    // Types stop this at compile time; a cast or a computed id is still caught here.
    if (!carries(stream, type))
      throw new Error(`A "${type}" event does not belong on "${stream}".`);
    const state = this.ensure(stream);
    if (state.finished) {
      // A finished stream that speaks again is alive again; its seq keeps increasing.
      state.finished = false;
      if (state.cleanupTimer) clearTimeout(state.cleanupTimer);
      state.cleanupTimer = null;
    }
    const event = {
      stream,
      seq: ++state.lastSeq,
      type,
      category: EVENT_CATEGORY[type],
      ts: this.now(),
      data,
    } as StreamEvent;
    state.buffer.push(event);
    if (state.buffer.length > this.bufferSize)
      state.buffer.splice(0, state.buffer.length - this.bufferSize);
    for (const sub of [...state.subscribers]) {
      if (sub.categories && !sub.categories.has(event.category)) continue;
      this.safeDeliver(sub.listener, event);
    }
    for (const listener of [...this.globalListeners]) this.safeDeliver(listener, event);
    return event;
  }

  /** Marks a stream done; its buffer and status stay readable for the TTL, then go. */
  finish(stream: string): void {
    const state = this.streams.get(stream);
    if (!state || state.finished) return;
    state.finished = true;
    state.cleanupTimer = setTimeout(() => {
      const current = this.streams.get(stream);
      if (current === state && state.finished) this.streams.delete(stream);
    }, this.finishedTtlMs);
    state.cleanupTimer.unref?.();
  }

  subscribe(
    stream: string,
    options: {
      afterSeq?: number;
      categories?: readonly EventCategory[];
      listener: EventListener;
      /** Who follows; the owner when absent. */
      principal?: Principal;
    },
  ): Subscription {
    const view = this.viewOf(stream, options.principal);
    const state = this.ensure(stream);
    const categories = options.categories?.length ? new Set(options.categories) : null;
    const raw = this.snapshotOf(stream);
    const snapshot = view.snapshot && raw !== null ? view.snapshot(raw) : raw;
    const afterSeq = options.afterSeq;
    const oldestBuffered = state.buffer[0]?.seq ?? state.lastSeq + 1;
    let events: StreamEvent[] = [];
    let resync = false;
    if (afterSeq !== undefined && afterSeq < state.lastSeq) {
      if (afterSeq + 1 < oldestBuffered) {
        // The gap is gone from the buffer: say so rather than skip events silently.
        resync = true;
      } else {
        events = state.buffer.filter((e) => e.seq > afterSeq);
      }
    }
    if (categories) events = events.filter((e) => categories.has(e.category));
    const shown = view.event;
    if (shown) events = events.filter(shown);
    const listener: EventListener = shown
      ? (event) => {
          if (shown(event)) options.listener(event);
        }
      : options.listener;
    const subscriber: Subscriber = { listener, categories };
    state.subscribers.add(subscriber);
    return {
      stream,
      snapshot,
      lastSeq: state.lastSeq,
      events,
      resync,
      ...(shown ? { filtered: true } : {}),
      unsubscribe: () => {
        state.subscribers.delete(subscriber);
      },
    };
  }

  /** Every event of every stream; for transports that forward all (e.g. the CLI's --json). */
  onAnyEvent(listener: EventListener): () => void {
    this.globalListeners.add(listener);
    return () => this.globalListeners.delete(listener);
  }

  /** Events buffered after `afterSeq`, or null if some of them are gone. */
  replay(stream: string, afterSeq: number): StreamEvent[] | null {
    const state = this.streams.get(stream);
    if (!state) return afterSeq === 0 ? [] : null;
    const oldest = state.buffer[0]?.seq ?? state.lastSeq + 1;
    if (afterSeq + 1 < oldest && afterSeq < state.lastSeq) return null;
    return state.buffer.filter((e) => e.seq > afterSeq);
  }

  status(stream: string): StreamStatus {
    const state = this.streams.get(stream);
    return {
      stream,
      exists: state !== undefined,
      lastSeq: state?.lastSeq ?? 0,
      oldestSeq: state?.buffer[0]?.seq ?? 0,
      finished: state?.finished ?? false,
      subscribers: state?.subscribers.size ?? 0,
    };
  }

  snapshotOf(stream: string): unknown {
    const provider = this.providers.find((p) => p.match(stream));
    return provider ? provider.provide(stream) : null;
  }

  dispose(): void {
    for (const state of this.streams.values())
      if (state.cleanupTimer) clearTimeout(state.cleanupTimer);
    this.streams.clear();
    this.globalListeners.clear();
  }

  private ensure(stream: string): StreamState {
    let state = this.streams.get(stream);
    if (!state) {
      state = {
        lastSeq: 0,
        buffer: [],
        subscribers: new Set(),
        finished: false,
        cleanupTimer: null,
      };
      this.streams.set(stream, state);
    }
    return state;
  }

  private safeDeliver(listener: EventListener, event: StreamEvent) {
    try {
      listener(event);
    } catch (error) {
      // One broken subscriber must not starve the others.
      console.error('[quire] event listener failed', error);
    }
  }
}
