import type { BrowserWindowConstructorOptions } from 'electron';
import { isAppUrl, isSafeExternalUrl, secureWindowOptions } from './window-options';

/** The parts of Electron this factory uses, so a test can drive it with fakes. */
export type NavigationEventLike = { preventDefault: () => void };
export type WindowOpenResponse = { action: 'deny' };
export type BrowserWindowLike = {
  once: (event: 'ready-to-show', listener: () => void) => unknown;
  show: () => void;
  loadURL: (url: string) => Promise<unknown>;
  webContents: {
    on: {
      (
        event: 'will-navigate',
        listener: (event: NavigationEventLike, url: string) => void,
      ): unknown;
      (
        event: 'will-redirect',
        listener: (event: NavigationEventLike, url: string) => void,
      ): unknown;
    };
    setWindowOpenHandler: (handler: (details: { url: string }) => WindowOpenResponse) => void;
  };
};
export type BrowserWindowConstructorLike<W extends BrowserWindowLike> = new (
  options: BrowserWindowConstructorOptions,
) => W;

export type WindowFactoryDeps<W extends BrowserWindowLike> = {
  BrowserWindow: BrowserWindowConstructorLike<W>;
  openExternal: (url: string) => Promise<void>;
  /** Null for a remote Quire's page, which never gets the bridge. */
  preloadPath: string | null;
  /** The page to load; navigation stays on its origin (or on this file). */
  appUrl: string;
  /** A session of its own (a remote page), by partition name. */
  partition?: string;
  /** Where the window opens (the one it replaces), instead of the default size. */
  bounds?: { x: number; y: number; width: number; height: number };
};

/**
 * The only place windows are made: hardened preferences, navigation kept on the app's own
 * page, and new windows refused (plain web links go to the OS browser instead).
 */
export function createAppWindow<W extends BrowserWindowLike>(deps: WindowFactoryDeps<W>): W {
  const window = new deps.BrowserWindow(
    secureWindowOptions(deps.preloadPath, deps.bounds ?? {}, deps.partition),
  );
  window.once('ready-to-show', () => window.show());
  const keepOnAppPage = (event: NavigationEventLike, url: string) => {
    if (!isAppUrl(url, deps.appUrl)) event.preventDefault();
  };
  window.webContents.on('will-navigate', keepOnAppPage);
  window.webContents.on('will-redirect', keepOnAppPage);
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void deps.openExternal(url).catch(() => {});
    return { action: 'deny' };
  });
  void window.loadURL(deps.appUrl);
  return window;
}

export type SessionLike = {
  setPermissionRequestHandler: (
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ) => void;
  setPermissionCheckHandler: (handler: (contents: unknown, permission: string) => boolean) => void;
};

/** "Copy answer" writes plain text to the clipboard; reading it is never needed. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Everything else is refused (camera, microphone, notifications, geolocation, clipboard read…):
 * file access goes through main's own dialogs.
 */
export function restrictPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}
