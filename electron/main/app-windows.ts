import { BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import type { SecretStore } from '../core';
import { appMenuTemplate, type MenuServerState } from './app-menu';
import type { SenderFrameLike } from './ipc';
import { checkRemoteQuire } from './remote-quire';
import {
  createServerConnection,
  registerServerConnect,
  type ServerConnection,
} from './server-connection';
import { serverConnectionStore } from './server-connection-store';
import { createAppWindow, restrictPermissions } from './window-factory';

/**
 * A Quire server's page gets a session of its own, in memory: its storage (the token the page
 * keeps for the tab) never mixes with the app's, and is gone when the app quits; the token
 * itself stays in the keychain.
 */
export const REMOTE_PARTITION = 'quire-remote';

/**
 * The app's one window, showing this computer's Quire (the app page, with the bridge) or a
 * Quire server's (its own page, no bridge): switching makes a new window in the old one's
 * place, because a window's preload cannot be taken away once it exists.
 */
export function startAppWindows(options: {
  appUrl: string;
  preloadPath: string;
  dataDir: string;
  secrets: () => Promise<SecretStore>;
  isTrustedFrame: (frame: NonNullable<SenderFrameLike>) => boolean;
}): ServerConnection {
  let current: BrowserWindow | null = null;
  let showing: 'local' | 'remote' | null = null;
  restrictPermissions(session.fromPartition(REMOTE_PARTITION));

  // Windows being replaced: they close once their replacement is ready to show, so the person
  // is never left without a window, and a quick second switch leaves none behind.
  const retiring = new Set<BrowserWindow>();
  const open = (kind: 'local' | 'remote', url: string) => {
    const previous = current && !current.isDestroyed() ? current : null;
    if (previous) retiring.add(previous);
    const window = createAppWindow({
      BrowserWindow,
      openExternal: (target) => shell.openExternal(target),
      preloadPath: kind === 'local' ? options.preloadPath : null,
      appUrl: url,
      ...(kind === 'remote' ? { partition: REMOTE_PARTITION } : {}),
      ...(previous ? { bounds: previous.getBounds() } : {}),
    });
    current = window;
    showing = kind;
    window.on('closed', () => {
      retiring.delete(window);
      if (current === window) current = null;
    });
    window.once('ready-to-show', () => {
      for (const old of retiring) if (old !== current && !old.isDestroyed()) old.close();
    });
    if (kind === 'remote')
      window.webContents.on('did-fail-load', (_event, code, description, _url, isMainFrame) => {
        // -3 is a navigation replaced by another, not a failure.
        if (isMainFrame && code !== -3 && current === window) connection.remoteFailed(description);
      });
  };

  const setMenu = (state: MenuServerState) =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate(
          state,
          { disconnect: () => void connection.disconnect(), retry: () => void connection.retry() },
          process.platform,
        ),
      ),
    );

  const connection = createServerConnection({
    store: serverConnectionStore({ dataDir: options.dataDir, secrets: options.secrets }),
    // A Quire server answers app.info in milliseconds; a window waits on this at start.
    check: (link) => checkRemoteQuire(link, { timeoutMs: 5_000 }),
    showLocal: () => {
      if (showing === 'local' && current && !current.isDestroyed()) return;
      open('local', options.appUrl);
    },
    showRemote: (pageUrl) => open('remote', pageUrl),
    onState: setMenu,
    notifyUnreachable: (host, message) => {
      void dialog
        .showMessageBox({
          type: 'warning',
          title: 'Quire',
          message: `Quire could not reach ${host}`,
          detail: `${message}\n\nThis window shows the library on this computer. ${host} is still remembered: File › Connect to ${host} Again tries once more, and File › Disconnect from ${host} forgets it.`,
          buttons: ['Use This Computer’s Library', 'Try Again', `Disconnect from ${host}`],
          defaultId: 0,
          cancelId: 0,
        })
        .then(({ response }) => {
          if (response === 1) void connection.retry();
          if (response === 2) void connection.disconnect();
        });
    },
  });
  registerServerConnect({
    ipcMain,
    isTrustedFrame: options.isTrustedFrame,
    connect: (request) => connection.connect(request),
  });
  return connection;
}
