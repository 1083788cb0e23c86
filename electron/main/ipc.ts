import { randomUUID } from 'node:crypto';
import { CANCEL_CHANNEL } from '../../shared/bridge';
import { EVENT_CHANNEL, invokeChannel, METHOD_NAMES } from '../../shared/contract';
import type { StreamEvent } from '../../shared/events';
import { err } from '../../shared/result';
import { closeConnection, type Connection, type Dispatch } from '../core';

/** The parts of Electron's types this module uses, so tests can record a fake ipcMain. */
export type SenderFrameLike = { url: string; parent: unknown } | null | undefined;
export type WebContentsLike = {
  id: number;
  send: (channel: string, payload: unknown) => void;
  isDestroyed: () => boolean;
  once: (event: 'destroyed', listener: () => void) => unknown;
  on: (
    event: 'did-start-navigation',
    listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void,
  ) => unknown;
};
export type IpcInvokeEventLike = { sender: WebContentsLike; senderFrame: SenderFrameLike };
export type IpcMainLike = {
  handle: (
    channel: string,
    listener: (event: IpcInvokeEventLike, args: unknown, callId?: unknown) => Promise<unknown>,
  ) => void;
  removeHandler: (channel: string) => void;
  on: (channel: string, listener: (event: IpcInvokeEventLike, callId: unknown) => void) => void;
  removeListener: (
    channel: string,
    listener: (event: IpcInvokeEventLike, callId: unknown) => void,
  ) => void;
};

/**
 * Registers one handler per contract method. Every call checks that the sender is the
 * app's own top-level frame before the dispatcher validates its arguments.
 */
export function registerIpcHandlers(options: {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  isTrustedFrame: (frame: NonNullable<SenderFrameLike>) => boolean;
}): () => void {
  const connections = new Map<number, Connection>();

  const watched = new Set<number>();

  function drop(senderId: number) {
    const connection = connections.get(senderId);
    if (!connection) return;
    closeConnection(connection);
    connections.delete(senderId);
  }

  function connectionFor(sender: WebContentsLike): Connection {
    const existing = connections.get(sender.id);
    if (existing) return existing;
    const connection: Connection = {
      id: randomUUID(),
      subscriptions: new Map(),
      deliver: (event: StreamEvent) => {
        if (!sender.isDestroyed()) sender.send(EVENT_CHANNEL, event);
      },
    };
    connections.set(sender.id, connection);
    if (!watched.has(sender.id)) {
      watched.add(sender.id);
      sender.once('destroyed', () => {
        drop(sender.id);
        watched.delete(sender.id);
      });
      // A reload starts a new page that subscribes again with its last seen seq.
      sender.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) drop(sender.id);
      });
    }
    return connection;
  }

  // Calls a renderer may still cancel, by window and call id.
  const cancellable = new Map<string, AbortController>();
  const callKey = (sender: WebContentsLike, callId: unknown) =>
    typeof callId === 'string' && callId.length <= 64 ? `${sender.id}:${callId}` : null;
  const onCancel = (event: IpcInvokeEventLike, callId: unknown) => {
    const key = callKey(event.sender, callId);
    if (key) cancellable.get(key)?.abort();
  };
  options.ipcMain.on(CANCEL_CHANNEL, onCancel);

  for (const name of METHOD_NAMES) {
    options.ipcMain.handle(invokeChannel(name), async (event, args, callId) => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !options.isTrustedFrame(frame)) {
        return err({ code: 'forbidden', message: 'This window is not allowed to talk to Quire.' });
      }
      const key = callKey(event.sender, callId);
      const cancel = key ? new AbortController() : null;
      if (key && cancel) cancellable.set(key, cancel);
      try {
        return await options.dispatch(name, args, {
          transport: 'ipc',
          connection: connectionFor(event.sender),
          ...(cancel ? { signal: cancel.signal } : {}),
        });
      } finally {
        if (key) cancellable.delete(key);
      }
    });
  }

  return () => {
    options.ipcMain.removeListener(CANCEL_CHANNEL, onCancel);
    for (const controller of cancellable.values()) controller.abort();
    for (const name of METHOD_NAMES) options.ipcMain.removeHandler(invokeChannel(name));
    for (const connection of connections.values()) closeConnection(connection);
    connections.clear();
  };
}
