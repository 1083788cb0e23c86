import { invokeChannel, METHOD_NAMES, type MethodName } from './contract';
import type { StreamEvent } from './events';
import type { Result } from './result';

/** What the preload exposes as `window.quire`: generic invoke plus one event listener. */
export type QuireBridge = {
  readonly methods: readonly MethodName[];
  /** `callId` names the call so that `cancel(callId)` can abort its handler in main. */
  invoke: (method: MethodName, args: unknown, callId?: string) => Promise<Result<unknown>>;
  cancel: (callId: string) => void;
  onEvent: (listener: (event: StreamEvent) => void) => () => void;
  /** The local path of a dropped or picked file (Electron only). */
  pathForFile?: (file: unknown) => string;
  /** Native open dialogs (Electron only); resolves to the chosen paths. */
  pickPaths?: (kind: PickKind) => Promise<string[]>;
  /**
   * Desktop only: check a Quire server and show it in this window instead of the local core.
   * On success main replaces the window, so the answer may never be read.
   */
  connectServer?: (request: ServerConnectRequest) => Promise<ServerConnectResult>;
};

/** A person's link (`https://host:port/#token=…`), or an address with the token apart. */
export type ServerConnectRequest = { link: string; token?: string };

/** Why a Quire server was not connected; each has its own words in Settings. */
export type ServerConnectErrorCode =
  /** The text is not an http(s) address, or carries no token. */
  | 'invalid_link'
  /** Plain http to another machine: the token would cross the network in clear. */
  | 'insecure_http'
  /** No answer: refused, unknown name, time-out. */
  | 'unreachable'
  /** TLS failed: a self-signed or expired certificate, or one for another name. */
  | 'untrusted_certificate'
  /** The server answered 401: a wrong, removed or out-of-date token. */
  | 'unauthorized'
  /** Something answered, but not Quire's API. */
  | 'not_quire'
  /** The server is fine but this computer could not keep the connection (keychain, disk). */
  | 'not_saved';

/** What the server said about the person whose link it is. */
export type ServerIdentity = {
  url: string;
  host: string;
  version: string;
  name: string;
  role: string;
};

export type ServerConnectResult =
  | { ok: true; value: ServerIdentity }
  | { ok: false; error: { code: ServerConnectErrorCode; message: string } };

/** Documents, a folder of them, or a GGUF language model file. */
export type PickKind = 'files' | 'folder' | 'model';

/** The one IPC channel outside the contract: main's native open dialog. */
export const DIALOG_CHANNEL = 'quire:dialog.open';
/** A renderer gave up on a call (its AbortSignal): main aborts that call's handler. */
export const CANCEL_CHANNEL = 'quire:cancel';
/** Main's own channel, outside the contract: connect the window to a Quire server. */
export const SERVER_CONNECT_CHANNEL = 'quire:server.connect';

export type BridgeIpc = {
  invoke: (channel: string, args: unknown, callId?: string) => Promise<unknown>;
  cancel: (callId: string) => void;
  /** Returns the removal function for the listener it registered. */
  onEvent: (listener: (event: StreamEvent) => void) => () => void;
};

/** Builds the bridge from the contract: only contract channels can ever be invoked. */
export function buildBridge(ipc: BridgeIpc): QuireBridge {
  const allowed = new Set<string>(METHOD_NAMES);
  return {
    methods: [...METHOD_NAMES],
    invoke: async (method, args, callId) => {
      if (!allowed.has(method)) {
        return {
          ok: false,
          error: { code: 'unknown_method', message: `There is no method called "${method}".` },
        };
      }
      return (await ipc.invoke(invokeChannel(method), args, callId)) as Result<unknown>;
    },
    cancel: (callId) => {
      if (typeof callId === 'string') ipc.cancel(callId);
    },
    onEvent: (listener) => ipc.onEvent(listener),
  };
}
