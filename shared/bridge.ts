import { invokeChannel, METHOD_NAMES, type MethodName } from './contract';
import type { StreamEvent } from './events';
import type { Result } from './result';

/** What the preload exposes as `window.quire`: generic invoke plus one event listener. */
export type QuireBridge = {
  readonly methods: readonly MethodName[];
  invoke: (method: MethodName, args: unknown) => Promise<Result<unknown>>;
  onEvent: (listener: (event: StreamEvent) => void) => () => void;
  /** The local path of a dropped or picked file (Electron only). */
  pathForFile?: (file: unknown) => string;
  /** Native open dialogs (Electron only); resolves to the chosen paths. */
  pickPaths?: (kind: PickKind) => Promise<string[]>;
};

/** Documents, a folder of them, or a GGUF language model file. */
export type PickKind = 'files' | 'folder' | 'model';

/** The one IPC channel outside the contract: main's native open dialog. */
export const DIALOG_CHANNEL = 'quire:dialog.open';

export type BridgeIpc = {
  invoke: (channel: string, args: unknown) => Promise<unknown>;
  /** Returns the removal function for the listener it registered. */
  onEvent: (listener: (event: StreamEvent) => void) => () => void;
};

/** Builds the bridge from the contract: only contract channels can ever be invoked. */
export function buildBridge(ipc: BridgeIpc): QuireBridge {
  const allowed = new Set<string>(METHOD_NAMES);
  return {
    methods: [...METHOD_NAMES],
    invoke: async (method, args) => {
      if (!allowed.has(method)) {
        return {
          ok: false,
          error: { code: 'unknown_method', message: `There is no method called "${method}".` },
        };
      }
      return (await ipc.invoke(invokeChannel(method), args)) as Result<unknown>;
    },
    onEvent: (listener) => ipc.onEvent(listener),
  };
}
