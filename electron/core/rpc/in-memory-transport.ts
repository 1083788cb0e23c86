import { randomUUID } from 'node:crypto';
import type { StreamEvent } from '../../../shared/events';
import { createPushClient } from '../../../shared/push-client';
import type { Transport } from '../../../shared/transport';
import { closeConnection, type Connection, type Dispatch } from './dispatch';

/**
 * A client/server pair in one process. Every message is structured-cloned and
 * delivered asynchronously, as it would be across a real boundary.
 */
export function createInMemoryTransport(
  dispatch: Dispatch,
): Transport & { connection: Connection } {
  let listener: ((event: StreamEvent) => void) | null = null;
  let closed = false;
  const connection: Connection = {
    id: randomUUID(),
    subscriptions: new Map(),
    deliver: (event) => {
      const copy = structuredClone(event);
      queueMicrotask(() => {
        if (!closed) listener?.(copy);
      });
    },
  };
  const client = createPushClient({
    kind: 'memory',
    invoke: async (method, args, signal) => {
      const reply = await dispatch(method, structuredClone(args), {
        transport: 'memory',
        connection,
        signal,
      });
      return structuredClone(reply);
    },
    listen: (next) => {
      listener = next;
      return () => {
        listener = null;
      };
    },
  });
  return {
    ...client,
    get connectionState() {
      return client.connectionState;
    },
    connection,
    close() {
      closed = true;
      closeConnection(connection);
      client.close();
    },
  };
}
