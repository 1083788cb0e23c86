import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQuireCore, type QuireCore } from '../quire-core';
import { openSse } from '../../../test/helpers/sse-client';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { startHttpServer, type RunningServer } from './http-server';

describe('the HTTP + SSE server on loopback', () => {
  let core: QuireCore;
  let server: RunningServer;
  let remove: () => Promise<void>;
  const auth = () => ({ authorization: `Bearer ${server.token}` });

  beforeEach(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    core = await createQuireCore({
      dataDir: temp.dir,
      transport: 'http',
      logger: { error: () => {}, warn: () => {} },
    });
    server = await startHttpServer({
      dispatch: core.dispatch,
      hub: core.hub,
      rendererDir: null,
      pingIntervalMs: 50,
    });
  });
  afterEach(async () => {
    await server.close();
    await core.close();
    await remove();
  });

  it('answers POST /api/<domain>/<method> with the contract result', async () => {
    const response = await fetch(`${server.url}/api/app/info`, {
      method: 'POST',
      headers: auth(),
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      value: { name: 'Quire', transport: 'http' },
    });
    const invalid = await fetch(`${server.url}/api/events/status`, {
      method: 'POST',
      headers: auth(),
      body: '{"stream":"bad id"}',
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const notJson = await fetch(`${server.url}/api/app/info`, {
      method: 'POST',
      headers: auth(),
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const unknown = await fetch(`${server.url}/api/app/nothing`, {
      method: 'POST',
      headers: auth(),
      body: '{}',
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses requests without the token, or with a wrong one, with 401', async () => {
    const none = await fetch(`${server.url}/api/app/info`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await fetch(`${server.url}/api/app/info`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const stream = openSse(`${server.url}/api/streams/library`);
    expect(await stream.status).toBe(401);
  });

  it('refuses foreign Host headers and cross-origin requests', async () => {
    // fetch may not set Host, so this request goes through node:http.
    const rebindingStatus = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${server.url}/api/app/info`,
        { method: 'POST', headers: { ...auth(), host: `evil.example:${server.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(rebindingStatus).toBe(421);
    const crossOrigin = await fetch(`${server.url}/api/app/info`, {
      method: 'POST',
      headers: { ...auth(), origin: 'http://evil.example' },
    });
    expect(crossOrigin.status).toBe(403);
    const sameOrigin = await fetch(`${server.url}/api/app/info`, {
      method: 'POST',
      headers: { ...auth(), origin: server.url },
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('binds to 127.0.0.1 only: a non-loopback address of this machine is refused', async () => {
    await expect(
      startHttpServer({ dispatch: core.dispatch, hub: core.hub, host: '0.0.0.0' as never }),
    ).rejects.toThrow(/loopback/);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) {
      console.log(
        'no non-loopback IPv4 interface on this machine; only the bind address was checked',
      );
      return;
    }
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: external.address, port: server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('streams a snapshot, live events and pings; status is the polling fallback', async () => {
    const client = openSse(`${server.url}/api/streams/library`, auth());
    expect(await client.status).toBe(200);
    await waitFor(() => client.controls.length === 1);
    expect(client.controls[0]).toMatchObject({
      name: 'quire.snapshot',
      data: { snapshot: { documents: [], paused: false }, lastSeq: 0 },
    });
    core.hub.emit('library', 'queue.state', { paused: false, pending: 2, active: 1 });
    await waitFor(() => client.events.length === 1);
    await waitFor(() => client.comments() >= 2, 2000);
    const status = await fetch(`${server.url}/api/streams/library/status`, { headers: auth() });
    expect(await status.json()).toMatchObject({
      ok: true,
      value: { stream: 'library', lastSeq: 1, subscribers: 1 },
    });
    client.destroy();
  });

  it('a client that drops mid-stream resumes with Last-Event-ID and gets every event exactly once, in order', async () => {
    const total = 400;
    let emitted = 0;
    const received: number[] = [];
    const first = openSse(`${server.url}/api/streams/chat:m1`, auth(), (e) => received.push(e.seq));
    await waitFor(() => first.controls.length === 1);
    const producer = setInterval(() => {
      for (let i = 0; i < 8 && emitted < total; i++, emitted++)
        core.hub.emit('chat:m1', 'message.delta', { text: `t${emitted}` });
      if (emitted >= total) clearInterval(producer);
    }, 2);
    await waitFor(() => received.length >= 60);
    first.destroy();
    await first.closed;
    const lastSeen = received[received.length - 1]!;
    await waitFor(() => emitted > lastSeen + 50); // events keep flowing while the client is away
    const second = openSse(
      `${server.url}/api/streams/chat:m1`,
      { ...auth(), 'last-event-id': String(lastSeen) },
      (e) => received.push(e.seq),
    );
    await waitFor(() => received[received.length - 1] === total, 10_000);
    expect(second.controls).toEqual([]);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(second.events.map((e) => e.data)).toContainEqual({ text: `t${total - 1}` });
    second.destroy();
  });

  it('asks a client whose Last-Event-ID fell out of the buffer to re-snapshot', async () => {
    const small = await startHttpServer({
      dispatch: core.dispatch,
      hub: core.hub,
      rendererDir: null,
    });
    for (let i = 0; i < 2100; i++) core.hub.emit('chat:m2', 'message.delta', { text: 'x' });
    const client = openSse(`${small.url}/api/streams/chat:m2`, {
      authorization: `Bearer ${small.token}`,
      'last-event-id': '3',
    });
    await waitFor(() => client.controls.length === 1);
    expect(client.controls[0]).toMatchObject({
      name: 'quire.resync',
      data: { resync: true, lastSeq: 2100 },
    });
    expect(client.events).toEqual([]);
    client.destroy();
    await small.close();
  });

  it('limits concurrent streams and answers 429 with Retry-After beyond the limit', async () => {
    const limited = await startHttpServer({
      dispatch: core.dispatch,
      hub: core.hub,
      rendererDir: null,
      maxStreamsPerToken: 2,
    });
    const headers = { authorization: `Bearer ${limited.token}` };
    const a = openSse(`${limited.url}/api/streams/library`, headers);
    const b = openSse(`${limited.url}/api/streams/library`, headers);
    expect([await a.status, await b.status]).toEqual([200, 200]);
    const third = await fetch(`${limited.url}/api/streams/library`, { headers });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    a.destroy();
    b.destroy();
    await limited.close();
  });
});
