import type { SubscribeResult } from './contract';
import type { StreamEvent } from './events';
import { parseSnapshot, type SnapshotOf, type StreamEventOn, type StreamId } from './stream-kinds';

/** A subscribe result whose snapshot has been read as its stream's schema says. */
export type TypedSubscribeResult<S extends StreamId> = Omit<
  SubscribeResult,
  'snapshot' | 'events'
> & {
  snapshot: SnapshotOf<S>;
  events: StreamEventOn<S>[];
};

export type FollowerSink<S extends StreamId = StreamId> = {
  onSnapshot: (result: TypedSubscribeResult<S>) => void;
  onEvent: (event: StreamEventOn<S>) => void;
};

/** What a transport needs of a follower, whatever its stream's kind. */
export type SubscribingFollower = Pick<
  StreamFollower,
  'stream' | 'resumeFrom' | 'beginSubscribe' | 'applySubscribe' | 'applyEvent'
>;

/**
 * Keeps one stream's position and enforces "each event exactly once, in order".
 * Pushed events may overtake the subscribe reply, so they wait until it is applied.
 * A gap is reported, so the caller re-subscribes instead of skipping silently.
 */
export class StreamFollower<S extends StreamId = StreamId> {
  lastSeq: number;
  private hasSnapshot: boolean;
  private waiting = true;
  private early: StreamEvent[] = [];

  constructor(
    readonly stream: S,
    private readonly sink: FollowerSink<S>,
    afterSeq?: number,
    /** With a category filter, seq jumps are expected and are not gaps. */
    private filtered = false,
  ) {
    this.lastSeq = afterSeq ?? 0;
    this.hasSnapshot = afterSeq !== undefined;
  }

  /** The seq to resume from, or undefined when a fresh snapshot is needed. */
  get resumeFrom(): number | undefined {
    return this.hasSnapshot ? this.lastSeq : undefined;
  }

  /**
   * Call before (re)subscribing. When a subscribe reply will come, live events are held
   * until it is applied; a plain resume (SSE with Last-Event-ID) delivers them at once.
   */
  beginSubscribe(expectReply = true): void {
    this.waiting = expectReply;
  }

  /**
   * Applies a subscribe result: snapshot when needed, then replay, then held live events.
   * A snapshot that does not match its stream's schema throws, and nothing is applied.
   */
  applySubscribe(result: SubscribeResult): 'ok' | 'gap' {
    // The server leaves out events that are not ours: from now on, jumps are not gaps.
    if (result.filtered) this.filtered = true;
    if (!this.hasSnapshot || result.resync || result.lastSeq < this.lastSeq) {
      // Fresh start, a gap too old to replay, or a restarted server: trust the snapshot.
      const snapshot = parseSnapshot(this.stream, result.snapshot);
      this.hasSnapshot = true;
      this.lastSeq = result.lastSeq;
      this.sink.onSnapshot({ ...result, snapshot, events: result.events as StreamEventOn<S>[] });
    } else {
      for (const event of result.events) this.deliver(event);
    }
    this.waiting = false;
    const held = this.early;
    this.early = [];
    for (const event of held) if (this.deliver(event) === 'gap') return 'gap';
    return 'ok';
  }

  /** Returns 'gap' when an event is missing between lastSeq and this one. */
  applyEvent(event: StreamEvent): 'applied' | 'duplicate' | 'gap' | 'held' {
    if (event.stream !== this.stream) return 'duplicate';
    if (this.waiting) {
      this.early.push(event);
      return 'held';
    }
    return this.deliver(event);
  }

  private deliver(event: StreamEvent): 'applied' | 'duplicate' | 'gap' {
    if (event.seq <= this.lastSeq) return 'duplicate';
    if (event.seq !== this.lastSeq + 1 && !this.filtered) return 'gap';
    this.lastSeq = event.seq;
    // The hub emits on a stream only the events its kind carries (a type error otherwise).
    this.sink.onEvent(event as StreamEventOn<S>);
    return 'applied';
  }
}
