// Over IPC, a renderer's AbortSignal becomes a named cancel that aborts that call's handler.
import { afterEach, expect, it } from 'vitest';
import { CANCEL_CHANNEL } from '../../shared/bridge';
import { invokeChannel } from '../../shared/contract';
import { waitingDispatch } from '../../test/helpers/waiting-dispatch';
import { registerIpcHandlers, type IpcInvokeEventLike, type IpcMainLike } from './ipc';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

it('over IPC: a named call cancelled by its window aborts its handler, and no other', async () => {
  const { dispatch, seen, running } = waitingDispatch();
  const handlers = new Map<
    string,
    (e: IpcInvokeEventLike, a: unknown, id?: unknown) => Promise<unknown>
  >();
  const listeners = new Map<string, (e: IpcInvokeEventLike, id: unknown) => void>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
    on: (channel, listener) => listeners.set(channel, listener),
    removeListener: (channel) => listeners.delete(channel),
  };
  const dispose = registerIpcHandlers({ ipcMain, dispatch, isTrustedFrame: () => true });
  cleanups.push(dispose);
  const sender = {
    id: 7,
    send: () => {},
    isDestroyed: () => false,
    once: () => {},
    on: () => {},
  };
  const event = { sender, senderFrame: { url: 'app://', parent: null } };
  const call = handlers.get(invokeChannel('library.list'))!(event, {}, 'call-1');
  await running;
  // Another window cannot cancel it: the id is scoped to the sender.
  listeners.get(CANCEL_CHANNEL)!({ ...event, sender: { ...sender, id: 8 } }, 'call-1');
  expect(seen.aborted).toBe(false);
  listeners.get(CANCEL_CHANNEL)!(event, 'call-1');
  expect(await call).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  expect(seen.aborted).toBe(true);
});
