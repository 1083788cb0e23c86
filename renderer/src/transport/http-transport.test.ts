import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../../shared/transport';
import { createHttpTransport } from './http-transport';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function refusingFetch() {
  return vi.fn(
    async () =>
      new Response(
        JSON.stringify({
          ok: false,
          error: { code: 'unauthorized', message: 'A valid bearer token is required.' },
        }),
        { status: 401, headers: { 'content-type': 'application/json' } },
      ),
  );
}

describe('the HTTP transport and its access token', () => {
  it('is unauthorized from the start without a token, so the page can say so at once', () => {
    const transport = createHttpTransport('http://127.0.0.1:1', null);
    expect(transport.connectionState).toBe('unauthorized');
    transport.close();
  });

  it('becomes unauthorized when the server refuses the token of a method call', async () => {
    vi.stubGlobal('fetch', refusingFetch());
    const transport = createHttpTransport('http://127.0.0.1:1', 'old-token');
    const states: ConnectionState[] = [];
    transport.onConnectionState((state) => states.push(state));
    const result = await transport.invoke('library.list', {});
    expect(result.ok).toBe(false);
    expect(states).toEqual(['unauthorized']);
    expect(transport.connectionState).toBe('unauthorized');
  });

  it('stops following a stream the server refuses, instead of reconnecting forever', async () => {
    vi.useFakeTimers();
    const fetch = refusingFetch();
    vi.stubGlobal('fetch', fetch);
    const transport = createHttpTransport('http://127.0.0.1:1', 'old-token');
    const refused = new Promise<ConnectionState>((resolve) => transport.onConnectionState(resolve));
    const stop = transport.follow('library', { onSnapshot: () => {}, onEvent: () => {} });
    expect(await refused).toBe('unauthorized');
    await vi.advanceTimersByTimeAsync(60_000); // far past every reconnect delay
    expect(fetch).toHaveBeenCalledTimes(1);
    stop();
  });
});
