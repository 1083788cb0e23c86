import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  buildBridge,
  CANCEL_CHANNEL,
  DIALOG_CHANNEL,
  SERVER_CONNECT_CHANNEL,
  type PickKind,
  type ServerConnectRequest,
  type ServerConnectResult,
} from '../../shared/bridge';
import { EVENT_CHANNEL } from '../../shared/contract';
import type { StreamEvent } from '../../shared/events';

// Only the contract's channels are reachable; raw ipcRenderer never leaves this file.
const bridge = buildBridge({
  invoke: (channel, args, callId) =>
    callId === undefined
      ? ipcRenderer.invoke(channel, args)
      : ipcRenderer.invoke(channel, args, callId),
  cancel: (callId) => ipcRenderer.send(CANCEL_CHANNEL, callId),
  onEvent: (listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: StreamEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
});

contextBridge.exposeInMainWorld('quire', {
  ...bridge,
  pathForFile: (file: unknown) => webUtils.getPathForFile(file as File),
  pickPaths: async (kind: PickKind) => {
    const paths: unknown = await ipcRenderer.invoke(
      DIALOG_CHANNEL,
      kind === 'folder' || kind === 'model' ? kind : 'files',
    );
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [];
  },
  // Only the two strings cross: main checks the server, keeps the token and replaces the window.
  connectServer: (request: ServerConnectRequest): Promise<ServerConnectResult> =>
    ipcRenderer.invoke(SERVER_CONNECT_CHANNEL, {
      link: String(request.link),
      ...(request.token ? { token: String(request.token) } : {}),
    }),
});
