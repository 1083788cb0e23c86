import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { ModelDownloadState } from '../../../shared/models';
import { createQuireCore, type QuireCore } from '../quire-core';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { createInMemoryTransport } from './in-memory-transport';

/** A running download's progress: the kind of event the system stream carries. */
const download = (receivedBytes: number): ModelDownloadState => ({
  kind: 'embedding',
  modelId: 'quire-test/bow',
  state: 'running',
  file: 'model.onnx',
  receivedBytes,
  totalBytes: null,
  fraction: null,
  error: null,
  restartRequired: false,
});

describe('the contract over the in-memory transport pair', () => {
  let core: QuireCore;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    core = await createQuireCore({
      dataDir: temp.dir,
      transport: 'memory',
      logger: { error: () => {}, warn: () => {} },
    });
  });
  afterEach(async () => {
    await core.close();
    await remove();
  });

  it('invokes a method and returns a typed value', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const result = await client.invoke('app.info', {});
    expect(result).toMatchObject({
      ok: true,
      value: {
        name: 'Quire',
        transport: 'memory',
        offline: true,
        // In-process callers have no principal: they are the owner.
        principal: { name: 'owner', role: 'owner' },
      },
    });
    client.close();
  });

  it('rejects invalid arguments and unknown methods with typed errors', async () => {
    const client = createInMemoryTransport(core.dispatch);
    const extra = await client.invoke('app.info', { surprise: 1 } as never);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const badStream = await client.invoke('events.status', { stream: '../../etc/passwd' });
    expect(badStream).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const wrongType = await client.invoke('events.subscribe', { stream: 'library', afterSeq: -1 });
    expect(wrongType.ok).toBe(false);
    const unknown = await core.dispatch(
      'nope.never',
      {},
      { transport: 'memory', connection: null },
    );
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    client.close();
  });

  it('delivers a snapshot, then every event once and in order, until unsubscribe', async () => {
    core.hub.emit('system', 'model.download.progress', download(0));
    const client = createInMemoryTransport(core.dispatch);
    const snapshots: unknown[] = [];
    const got: StreamEvent[] = [];
    const stop = client.follow('system', {
      onSnapshot: (r) => snapshots.push(r.snapshot),
      onEvent: (e) => got.push(e),
    });
    await waitFor(() => snapshots.length === 1);
    for (let i = 0; i < 200; i++) core.hub.emit('system', 'model.download.progress', download(i));
    await waitFor(() => got.length === 200);
    // The system stream's snapshot is the model downloads' state (only events, none started).
    expect(snapshots).toEqual([{ downloads: [] }]);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    stop();
    await waitFor(() => core.hub.status('system').subscribers === 0);
    core.hub.emit('system', 'model.download.progress', download(200));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(200);
    client.close();
  });

  it('resumes after a given seq without repeating events', async () => {
    for (let i = 0; i < 5; i++) core.hub.emit('chat:m1', 'message.delta', { text: String(i) });
    const client = createInMemoryTransport(core.dispatch);
    const got: number[] = [];
    client.follow(
      'chat:m1',
      { onSnapshot: () => got.push(-1), onEvent: (e) => got.push(e.seq) },
      3,
    );
    await waitFor(() => got.length === 2);
    core.hub.emit('chat:m1', 'message.delta', { text: 'live' });
    await waitFor(() => got.length === 3);
    expect(got).toEqual([4, 5, 6]);
    client.close();
  });

  it('drops every subscription of a closed connection', async () => {
    const client = createInMemoryTransport(core.dispatch);
    let snap = false;
    client.follow('conversations', { onSnapshot: () => (snap = true), onEvent: () => {} });
    await waitFor(() => snap);
    expect(core.hub.status('conversations').subscribers).toBe(1);
    client.close();
    expect(core.hub.status('conversations').subscribers).toBe(0);
  });
});
