// Transport.invoke takes an AbortSignal, and it reaches the handler on every transport: in
// memory as the signal itself, over HTTP as the closed request (over IPC: electron/main).
import { afterEach, expect, it } from 'vitest';
import { StreamHub } from '../streams/stream-hub';
import { startHttpServer } from '../server/http-server';
import { createInMemoryTransport } from './in-memory-transport';
import { waitingDispatch } from '../../../test/helpers/waiting-dispatch';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it('in memory: the signal reaches the handler, and the call ends cancelled', async () => {
  const { dispatch, seen, running } = waitingDispatch();
  const client = createInMemoryTransport(dispatch);
  const abort = new AbortController();
  const call = client.invoke('library.list', {}, { signal: abort.signal });
  await running;
  abort.abort();
  expect(await call).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  expect(seen).toEqual({ started: true, aborted: true });
});

it('over HTTP: closing the request (the client’s aborted fetch) aborts the handler', async () => {
  const { dispatch, seen, running } = waitingDispatch();
  const server = await startHttpServer({ dispatch, hub: new StreamHub(), rendererDir: null });
  cleanups.push(() => server.close());
  const abort = new AbortController();
  // As the browser transport calls it (renderer/src/transport/http-transport.ts).
  const call = fetch(`${server.url}/api/library/list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: '{}',
    signal: abort.signal,
  });
  await running;
  abort.abort();
  await expect(call).rejects.toThrow();
  await expect.poll(() => seen.aborted).toBe(true);
});
