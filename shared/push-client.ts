import type { MethodArgs, MethodName, MethodResult } from './contract';
import type { StreamEvent } from './events';
import type { Result } from './result';
import { StreamFollower, type SubscribingFollower } from './stream-follower';
import type { ConnectionState, InvokeOptions, StreamHandlers, Transport } from './transport';

export type PushChannel = {
  kind: Transport['kind'];
  invoke: (method: MethodName, args: unknown, signal?: AbortSignal) => Promise<Result<unknown>>;
  /** Registers the single listener for pushed events; returns its removal. */
  listen: (listener: (event: StreamEvent) => void) => () => void;
};

/**
 * A Transport over any channel that pushes events on one connection (Electron IPC,
 * the in-memory pair). Several followers of one stream share one subscription.
 */
export function createPushClient(channel: PushChannel): Transport {
  const followers = new Map<string, Set<SubscribingFollower>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connected';

  const stopListening = channel.listen((event) => {
    for (const follower of followers.get(event.stream) ?? []) {
      if (follower.applyEvent(event) === 'gap') void resubscribe(follower);
    }
  });

  async function resubscribe(
    follower: SubscribingFollower,
    categories?: StreamHandlers['categories'],
  ) {
    follower.beginSubscribe();
    const result = await channel.invoke('events.subscribe', {
      stream: follower.stream,
      ...(follower.resumeFrom !== undefined ? { afterSeq: follower.resumeFrom } : {}),
      ...(categories?.length ? { categories } : {}),
    });
    if (!result.ok) {
      setState('disconnected');
      return;
    }
    if (!followers.get(follower.stream)?.has(follower)) return;
    let outcome: 'ok' | 'gap';
    try {
      outcome = follower.applySubscribe(result.value as MethodResult<'events.subscribe'>);
    } catch (error) {
      // A snapshot the stream's schema refuses: said once, never applied as a guess.
      console.error(`Quire: following "${follower.stream}" failed`, error);
      return;
    }
    if (outcome === 'gap') await resubscribe(follower, categories);
  }

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  return {
    kind: channel.kind,
    get connectionState() {
      return state;
    },
    invoke<M extends MethodName>(method: M, args: MethodArgs<M>, options?: InvokeOptions) {
      return channel.invoke(method, args, options?.signal) as Promise<Result<MethodResult<M>>>;
    },
    follow(stream, handlers, afterSeq) {
      const follower = new StreamFollower(
        stream,
        handlers,
        afterSeq,
        Boolean(handlers.categories?.length),
      );
      let set = followers.get(stream);
      if (!set) followers.set(stream, (set = new Set()));
      set.add(follower);
      void resubscribe(follower, handlers.categories);
      return () => {
        const current = followers.get(stream);
        current?.delete(follower);
        if (current && current.size === 0) {
          followers.delete(stream);
          void channel.invoke('events.unsubscribe', { stream });
        }
      };
    },
    onConnectionState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      stopListening();
      followers.clear();
      setState('disconnected');
    },
  };
}
