// Which Quire the app window shows: this computer's core, or a Quire server's interface. The
// decisions live here, free of Electron; main gives it the windows, the menu and a notice.
import {
  SERVER_CONNECT_CHANNEL,
  type ServerConnectRequest,
  type ServerConnectResult,
} from '../../shared/bridge';
import type { IpcMainLike, SenderFrameLike } from './ipc';
import type { MenuServerState } from './app-menu';
import { parseServerLink, remotePageUrl, type ServerLink } from './remote-quire';
import type { ServerConnectionStore } from './server-connection-store';

export type ServerConnectionDeps = {
  store: ServerConnectionStore;
  /** checkRemoteQuire, with main's fetch. */
  check: (link: ServerLink) => Promise<ServerConnectResult>;
  /** Show this computer's interface (with the bridge), replacing a remote window. */
  showLocal: () => void;
  /** Show a server's page (no bridge, its own session), replacing the local window. */
  showRemote: (pageUrl: string) => void;
  /** The menu follows the state. */
  onState: (state: MenuServerState) => void;
  /** A remembered server could not be reached at start, or on a second try. */
  notifyUnreachable: (host: string, message: string) => void;
};

export type ServerConnection = ReturnType<typeof createServerConnection>;

export function createServerConnection(deps: ServerConnectionDeps) {
  let state: MenuServerState = { kind: 'local' };
  const setState = (next: MenuServerState) => {
    state = next;
    deps.onState(next);
  };

  /** Shows the remembered server if it answers; otherwise this computer's library, with a notice. */
  async function openRemembered(): Promise<void> {
    const remembered = deps.store.read();
    const token = remembered ? await deps.store.token().catch(() => null) : null;
    if (!remembered || !token) {
      // An address whose token is gone (another keychain, a wiped profile) cannot work.
      if (remembered) await deps.store.forget().catch(() => {});
      setState({ kind: 'local' });
      deps.showLocal();
      return;
    }
    const link = { url: remembered.url, host: remembered.host, token };
    const checked = await deps.check(link);
    if (checked.ok) {
      setState({ kind: 'remote', host: remembered.host });
      deps.showRemote(remotePageUrl(link));
      return;
    }
    setState({ kind: 'unreachable', host: remembered.host });
    deps.showLocal();
    deps.notifyUnreachable(remembered.host, checked.error.message);
  }

  return {
    state: () => state,
    /** At start: the remembered server, or this computer's library. */
    start: openRemembered,
    /** The menu's "Connect to … Again". */
    retry: openRemembered,

    /** Settings' Connect: checked first, remembered only once it answered as Quire. */
    async connect(request: ServerConnectRequest): Promise<ServerConnectResult> {
      const parsed = parseServerLink(request.link, request.token);
      if (!parsed.ok) return parsed;
      const checked = await deps.check(parsed.value);
      if (!checked.ok) return checked;
      try {
        await deps.store.remember(
          { url: parsed.value.url, host: parsed.value.host },
          parsed.value.token,
        );
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'not_saved',
            message: `The server answered, but this computer could not keep the connection: ${(error as Error).message}`,
          },
        };
      }
      setState({ kind: 'remote', host: parsed.value.host });
      deps.showRemote(remotePageUrl(parsed.value));
      return checked;
    },

    /** The server's page did not load after all (it stopped between the check and the load). */
    remoteFailed(description: string): void {
      if (state.kind !== 'remote') return;
      const host = state.host;
      setState({ kind: 'unreachable', host });
      deps.showLocal();
      deps.notifyUnreachable(host, `Its page did not load (${description}).`);
    },

    /** The menu's "Disconnect from …": forget the address and the token, show this computer. */
    async disconnect(): Promise<void> {
      await deps.store.forget().catch(() => {});
      setState({ kind: 'local' });
      deps.showLocal();
    },
  };
}

const MAX_FIELD = 4096;

/**
 * Settings' Connect button reaches main here. Like every channel, it serves only the app's own
 * top-level frame: a remote page has no bridge, and could not point the app elsewhere anyway.
 */
export function registerServerConnect(options: {
  ipcMain: Pick<IpcMainLike, 'handle' | 'removeHandler'>;
  isTrustedFrame: (frame: NonNullable<SenderFrameLike>) => boolean;
  connect: (request: ServerConnectRequest) => Promise<ServerConnectResult>;
}): () => void {
  options.ipcMain.handle(SERVER_CONNECT_CHANNEL, async (event, raw: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !options.isTrustedFrame(frame))
      return {
        ok: false,
        error: { code: 'invalid_link', message: 'This window may not connect Quire elsewhere.' },
      } satisfies ServerConnectResult;
    const request = readRequest(raw);
    if (!request)
      return {
        ok: false,
        error: { code: 'invalid_link', message: 'Paste a link or an address.' },
      } satisfies ServerConnectResult;
    return options.connect(request);
  });
  return () => options.ipcMain.removeHandler(SERVER_CONNECT_CHANNEL);
}

function readRequest(raw: unknown): ServerConnectRequest | null {
  if (!raw || typeof raw !== 'object') return null;
  const { link, token } = raw as { link?: unknown; token?: unknown };
  if (typeof link !== 'string' || !link.trim() || link.length > MAX_FIELD) return null;
  if (token !== undefined && (typeof token !== 'string' || token.length > MAX_FIELD)) return null;
  return token ? { link, token } : { link };
}
