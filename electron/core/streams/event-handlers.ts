import { principalOf, type Handlers } from '../rpc/dispatch';
import type { StreamHub } from './stream-hub';

type EventHandlers = Pick<Handlers, 'events.subscribe' | 'events.unsubscribe' | 'events.status'>;

export function createEventHandlers(hub: StreamHub): EventHandlers {
  return {
    'events.subscribe': ({ stream, afterSeq, categories }, ctx) => {
      const connection = ctx.connection;
      if (!connection) {
        // Request/response transports only get the snapshot; live events come over SSE.
        const sub = hub.subscribe(stream, {
          afterSeq,
          categories,
          listener: () => {},
          principal: principalOf(ctx),
        });
        sub.unsubscribe();
        return {
          stream: sub.stream,
          snapshot: sub.snapshot,
          lastSeq: sub.lastSeq,
          events: sub.events,
          resync: sub.resync,
          ...(sub.filtered ? { filtered: true } : {}),
        };
      }
      const principal = principalOf(ctx);
      hub.viewOf(stream, principal);
      connection.subscriptions.get(stream)?.();
      const sub = hub.subscribe(stream, {
        afterSeq,
        categories,
        listener: connection.deliver,
        principal,
      });
      connection.subscriptions.set(stream, sub.unsubscribe);
      return {
        stream: sub.stream,
        snapshot: sub.snapshot,
        lastSeq: sub.lastSeq,
        events: sub.events,
        resync: sub.resync,
        ...(sub.filtered ? { filtered: true } : {}),
      };
    },
    'events.unsubscribe': ({ stream }, ctx) => {
      const unsubscribe = ctx.connection?.subscriptions.get(stream);
      if (!unsubscribe) return { unsubscribed: false };
      unsubscribe();
      ctx.connection?.subscriptions.delete(stream);
      return { unsubscribed: true };
    },
    'events.status': ({ stream }, ctx) => {
      hub.viewOf(stream, principalOf(ctx));
      return hub.status(stream);
    },
  };
}
