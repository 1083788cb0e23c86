/**
 * One request's cancellation: the caller's signal plus our own idle timer. Aborting `signal`
 * makes the SDK close the socket, so the server sees the stop at once.
 */
export class StreamGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal;
  /** Set when our idle timer (not the caller) aborted the request. */
  idleFired = false;

  constructor(
    private readonly callerSignal: AbortSignal,
    readonly idleMs: number,
  ) {
    this.signal = AbortSignal.any([callerSignal, this.controller.signal]);
  }

  get cancelled(): boolean {
    return this.callerSignal.aborted;
  }

  /** (Re)starts the idle countdown; call on every byte of progress. */
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.idleFired = true;
      this.controller.abort(new Error('idle timeout'));
    }, this.idleMs);
  }

  /** Stops the countdown while the consumer holds a delta, so a slow reader is not a slow server. */
  pause(): void {
    clearTimeout(this.timer);
  }

  /** Closes the upstream request (consumer went away, or we are done early). */
  abort(): void {
    this.controller.abort(new Error('closed by Quire'));
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Runs one upstream SDK stream under a StreamGuard: the idle timer re-arms on every event and
 * pauses while the consumer holds a delta; the caller's abort ends it quietly as 'cancelled';
 * an idle stall and any other failure become the provider's own QuireErrors. 'ended' means
 * the stream closed by itself: the provider still checks that it really finished.
 */
export async function* guardedStream<Event>(options: {
  signal: AbortSignal;
  idleMs: number;
  open: (signal: AbortSignal) => Promise<AsyncIterable<Event>>;
  /** Reads one event; returns the text it carries, if any. */
  onEvent: (event: Event) => string | undefined;
  idleError: () => Error;
  mapError: (error: unknown, started: boolean) => Error;
}): AsyncGenerator<string, 'ended' | 'cancelled'> {
  const guard = new StreamGuard(options.signal, options.idleMs);
  let started = false;
  try {
    const stream = await options.open(guard.signal);
    started = true;
    guard.arm();
    for await (const event of stream) {
      guard.arm();
      const text = options.onEvent(event);
      if (text) {
        guard.pause();
        yield text;
        guard.arm();
      }
    }
  } catch (error) {
    if (guard.cancelled) return 'cancelled';
    if (guard.idleFired) throw options.idleError();
    throw options.mapError(error, started);
  } finally {
    guard.dispose();
    guard.abort(); // a consumer that stopped early closes the upstream request too
  }
  // SDKs end quietly on abort, so the reason is read from the guard.
  if (guard.cancelled) return 'cancelled';
  if (guard.idleFired) throw options.idleError();
  return 'ended';
}

export const DEFAULT_CONNECT_MS = 30_000;
// Local servers may load a multi-GB model before the first header: be patient with them.
export const DEFAULT_LOOPBACK_CONNECT_MS = 120_000;
export const DEFAULT_IDLE_MS = 60_000;

export { estimateTokens } from './token-estimate';
