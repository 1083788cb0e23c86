import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The only way windows are configured: every window gets the same hardened preferences.
 * `preloadPath` null makes a window without the bridge, for a page that is not the app's own
 * (a Quire server's interface): it must never get `window.quire`. Such a page also gets its
 * own `partition`, so nothing it stores mixes with the app's.
 */
export function secureWindowOptions(
  preloadPath: string | null,
  extra: BrowserWindowConstructorOptions = {},
  partition?: string,
): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Quire',
    backgroundColor: '#1b1b1f',
    ...extra,
    webPreferences: {
      ...(preloadPath !== null ? { preload: preloadPath } : {}),
      ...(partition !== undefined ? { partition } : {}),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** External links open in the OS browser only when they are plain web links. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
      !parsed.username &&
      !parsed.password
    );
  } catch {
    return false;
  }
}

/** A sender frame is trusted when it shows the app's own page. */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const own = new URL(appUrl);
    if (own.protocol === 'file:')
      return target.protocol === 'file:' && target.pathname === own.pathname;
    return target.origin === own.origin;
  } catch {
    return false;
  }
}
