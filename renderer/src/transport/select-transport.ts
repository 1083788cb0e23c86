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
      invoke: (method, args) => bridge.invoke(method, args),
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
