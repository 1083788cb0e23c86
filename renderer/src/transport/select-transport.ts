import type { QuireBridge } from '../../../shared/bridge';
import { createPushClient } from '../../../shared/push-client';
import type { Transport } from '../../../shared/transport';
import { createHttpTransport, takeTokenFromLocation } from './http-transport';

declare global {
  interface Window {
    quire?: QuireBridge;
  }
}

/**
 * Inside Electron the preload provides window.quire; in a browser we speak HTTP + SSE.
 * `hasToken` tells a tab opened without its access link from one whose link was refused.
 */
export function selectTransport(): { transport: Transport; hasToken: boolean } {
  const bridge = window.quire;
  if (bridge) {
    const transport = createPushClient({
      kind: 'ipc',
      invoke: (method, args, signal) => {
        if (!signal) return bridge.invoke(method, args);
        // The signal cannot cross the context bridge: the call is named and cancelled by name.
        const callId = crypto.randomUUID();
        const onAbort = () => bridge.cancel(callId);
        signal.addEventListener('abort', onAbort, { once: true });
        return bridge
          .invoke(method, args, callId)
          .finally(() => signal.removeEventListener('abort', onAbort));
      },
      listen: bridge.onEvent,
    });
    return { transport, hasToken: true };
  }
  const token = takeTokenFromLocation(window.location, window.sessionStorage);
  return {
    transport: createHttpTransport(window.location.origin, token),
    hasToken: token !== null,
  };
}
