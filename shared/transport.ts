import type { MethodArgs, MethodName, MethodResult } from './contract';
import type { EventCategory } from './events';
import type { Result } from './result';
import type { TypedSubscribeResult } from './stream-follower';
import type { StreamEventOn, StreamId } from './stream-kinds';

/** `unauthorized`: the server refused the access token (or there is none); retrying cannot help. */
export type ConnectionState =
  'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'unauthorized';

export type StreamHandlers<S extends StreamId = StreamId> = {
  /** Called first with the snapshot, and again whenever the stream must be re-snapshotted. */
  onSnapshot: (result: TypedSubscribeResult<S>) => void;
  /** Live and replayed events, each exactly once, in seq order. */
  onEvent: (event: StreamEventOn<S>) => void;
  categories?: EventCategory[];
};

/** Aborting `signal` cancels the call: the handler sees it, and the result is `cancelled`. */
export type InvokeOptions = { signal?: AbortSignal };

/** The one interface the renderer (and tests) talk to, whatever carries it. */
export interface Transport {
  readonly kind: 'ipc' | 'http' | 'memory';
  invoke<M extends MethodName>(
    method: M,
    args: MethodArgs<M>,
    options?: InvokeOptions,
  ): Promise<Result<MethodResult<M>>>;
  /** Follows a stream from `afterSeq` (or from a fresh snapshot); returns its unsubscribe. */
  follow<S extends StreamId>(stream: S, handlers: StreamHandlers<S>, afterSeq?: number): () => void;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  readonly connectionState: ConnectionState;
  close(): void;
}
