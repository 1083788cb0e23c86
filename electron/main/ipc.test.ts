import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, invokeChannel, METHOD_NAMES } from '../../shared/contract';
import type { StreamEvent } from '../../shared/events';
import { createQuireCore, type QuireCore } from '../core/quire-core';
import { makeTempDir, waitFor } from '../../test/helpers/temp-dir';
import {
  registerIpcHandlers,
  type IpcInvokeEventLike,
  type IpcMainLike,
  type WebContentsLike,
} from './ipc';
import { isAppUrl, isSafeExternalUrl, secureWindowOptions } from './window-options';

const APP_URL = 'file:///opt/Quire/resources/app.asar/out/renderer/index.html';

/** Records what main registers and sends, standing in for Electron, which cannot run here. */
function fakeIpcMain() {
  const handlers = new Map<
    string,
    (event: IpcInvokeEventLike, args: unknown, callId?: unknown) => Promise<unknown>
  >();
  const listeners = new Map<string, (event: IpcInvokeEventLike, callId: unknown) => void>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`duplicate handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
    on: (channel, listener) => listeners.set(channel, listener),
    removeListener: (channel) => listeners.delete(channel),
  };
  return { ipcMain, handlers, listeners };
}

function fakeWebContents(id: number) {
  const sent: { channel: string; payload: unknown }[] = [];
  const listeners: Record<string, ((arg: never) => void)[]> = {};
  const contents: WebContentsLike & { emit: (name: string, arg?: unknown) => void } = {
    id,
    send: (channel, payload) => sent.push({ channel, payload: structuredClone(payload) }),
    isDestroyed: () => false,
    once: (name, listener) => (listeners[name] ??= []).push(listener as never),
    on: (name, listener) => (listeners[name] ??= []).push(listener as never),
    emit: (name, arg) => listeners[name]?.forEach((l) => l(arg as never)),
  };
  return { contents, sent };
}

describe('IPC handlers in main', () => {
  let core: QuireCore;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    core = await createQuireCore({
      dataDir: temp.dir,
      transport: 'ipc',
      logger: { error: () => {}, warn: () => {} },
    });
  });
  afterEach(async () => {
    await core.close();
    await remove();
  });

  function setup() {
    const { ipcMain, handlers } = fakeIpcMain();
    const dispose = registerIpcHandlers({
      ipcMain,
      dispatch: core.dispatch,
      isTrustedFrame: (f) => isAppUrl(f.url, APP_URL),
    });
    return { handlers, dispose };
  }

  it('registers a handler for every contract method, and removes them all', () => {
    const { handlers, dispose } = setup();
    const missing = METHOD_NAMES.filter((name) => !handlers.has(invokeChannel(name)));
    expect(missing).toEqual([]);
    expect(handlers.size).toBe(METHOD_NAMES.length);
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('serves the app frame and refuses foreign or nested frames', async () => {
    const { handlers } = setup();
    const { contents } = fakeWebContents(1);
    const call = (url: string, parent: unknown = null) =>
      handlers.get(invokeChannel('app.info'))!(
        { sender: contents, senderFrame: { url, parent } },
        {},
      );
    expect(await call(APP_URL)).toMatchObject({ ok: true, value: { transport: 'ipc' } });
    expect(await call('https://evil.example/')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await call(APP_URL, { url: APP_URL })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await handlers.get(invokeChannel('app.info'))!({ sender: contents, senderFrame: null }, {}),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('validates arguments before any core logic runs', async () => {
    const { handlers } = setup();
    const { contents } = fakeWebContents(1);
    const reply = await handlers.get(invokeChannel('events.subscribe'))!(
      { sender: contents, senderFrame: { url: APP_URL, parent: null } },
      { stream: 42 },
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
  });

  it('pushes subscribed events to the sender and stops after a reload', async () => {
    const { handlers } = setup();
    const { contents, sent } = fakeWebContents(7);
    const frame = { url: APP_URL, parent: null };
    await handlers.get(invokeChannel('events.subscribe'))!(
      { sender: contents, senderFrame: frame },
      { stream: 'library' },
    );
    core.hub.emit('library', 'queue.state', { paused: false, pending: 1, active: 0 });
    await waitFor(() => sent.length === 1);
    expect(sent[0]!.channel).toBe(EVENT_CHANNEL);
    expect((sent[0]!.payload as StreamEvent).seq).toBe(1);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    core.hub.emit('library', 'queue.state', { paused: false, pending: 2, active: 0 });
    expect(sent).toHaveLength(1);
    expect(core.hub.status('library').subscribers).toBe(0);
  });
});

describe('window options', () => {
  it('are hardened for every window', () => {
    const options = secureWindowOptions('/app/preload.cjs', {
      webPreferences: { nodeIntegration: true },
    });
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });
  it('open only plain web links externally', () => {
    expect(isSafeExternalUrl('https://example.org/a')).toBe(true);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('https://user:pw@example.org')).toBe(false);
  });
});
