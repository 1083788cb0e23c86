import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../../shared/transport';
import { encodeSseControl, encodeSseEvent, SSE_SNAPSHOT_EVENT } from '../../../shared/sse';
import { emptyLibrary } from '../library/library-reducer';
import { createHttpTransport } from './http-transport';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** One SSE response that stays open, as a live stream does. */
function streamingFetch(body: string) {
  return vi.fn(
    async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(body));
          },
        }),
        { status: 200, headers: { 'content-type': 'text/event-stream' } },
      ),
  );
}

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

describe('the HTTP transport and a failing event handler', () => {
  it('reports the handler bug and keeps the stream, instead of reconnecting in a loop', async () => {
    const event = (seq: number) => ({
      stream: 'library',
      seq,
      type: 'document.removed' as const,
      category: 'library' as const,
      ts: 1,
      data: { documentId: `d${seq}` },
    });
    const body =
      encodeSseControl(SSE_SNAPSHOT_EVENT, {
        stream: 'library',
        snapshot: emptyLibrary(),
        lastSeq: 0,
        events: [],
        resync: false,
      }) +
      encodeSseEvent(event(1)) +
      encodeSseEvent(event(2));
    const fetchMock = streamingFetch(body);
    vi.stubGlobal('fetch', fetchMock);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const transport = createHttpTransport('http://127.0.0.1:1', 'token');
    const seen: number[] = [];
    transport.follow('library', {
      onSnapshot: () => {},
      onEvent: (e) => {
        seen.push(e.seq);
        if (e.seq === 1) throw new Error('reducer bug');
      },
    });
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    expect(logged).toHaveBeenCalledWith(
      'Quire: handling an event of "library" failed',
      expect.objectContaining({ message: 'reducer bug' }),
    );
    expect(fetchMock).toHaveBeenCalledTimes(1);
    transport.close();
    logged.mockRestore();
  });
});

describe('the HTTP transport and a snapshot of the wrong shape', () => {
  it('reports it and hands nothing on: no guessed snapshot, no events after it', async () => {
    const body =
      encodeSseControl(SSE_SNAPSHOT_EVENT, {
        stream: 'library',
        snapshot: { documents: 'not a list' },
        lastSeq: 0,
        events: [],
        resync: false,
      }) +
      encodeSseEvent({
        stream: 'library',
        seq: 1,
        type: 'document.removed',
        category: 'library',
        ts: 1,
        data: { documentId: 'd1' },
      });
    vi.stubGlobal('fetch', streamingFetch(body));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const transport = createHttpTransport('http://127.0.0.1:1', 'token');
    const seen: unknown[] = [];
    transport.follow('library', {
      onSnapshot: (result) => seen.push(result.snapshot),
      onEvent: (event) => seen.push(event.seq),
    });
    await vi.waitFor(() =>
      expect(logged).toHaveBeenCalledWith(
        'Quire: handling an event of "library" failed',
        expect.objectContaining({ message: expect.stringMatching(/not what a library stream/) }),
      ),
    );
    expect(seen).toEqual([]);
    transport.close();
    logged.mockRestore();
  });
});

it('passes an AbortSignal to fetch, and an aborted call ends cancelled', async () => {
  let seenSignal: AbortSignal | undefined;
  vi.stubGlobal(
    'fetch',
    vi.fn(
      (_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) => {
          seenSignal = init.signal ?? undefined;
          init.signal?.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'AbortError')),
          );
        }),
    ),
  );
  const transport = createHttpTransport('http://127.0.0.1:1', 'token');
  const abort = new AbortController();
  const call = transport.invoke('library.list', {}, { signal: abort.signal });
  abort.abort();
  expect(await call).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  expect(seenSignal).toBe(abort.signal);
});
