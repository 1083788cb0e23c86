import type { QuireBridge } from '../../../shared/bridge';
import { createPushClient } from '../../../shared/push-client';
import type { Transport } from '../../../shared/transport';
import { createHttpTransport, takeTokenFromLocation } from './http-transport';

declare global {
  interface Window {
    quire?: QuireBridge;
  }
}

/** Inside Electron the preload provides window.quire; in a browser we speak HTTP + SSE. */
export function selectTransport(): Transport {
  const bridge = window.quire;
  if (bridge) {
    return createPushClient({
      kind: 'ipc',
      invoke: (method, args) => bridge.invoke(method, args),
      listen: bridge.onEvent,
    });
  }
  const token = takeTokenFromLocation(window.location, window.sessionStorage);
  return createHttpTransport(window.location.origin, token);
}
