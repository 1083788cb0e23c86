import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../core/server/static-files';
import {
  createAppWindow,
  restrictPermissions,
  type NavigationEventLike,
  type WindowOpenResponse,
} from './window-factory';

const APP_URL = 'file:///opt/Quire/resources/app/out/renderer/index.html';

/** Records what the factory asks of a window, the way Electron's BrowserWindow would receive it. */
class RecordingWindow {
  static made: RecordingWindow[] = [];
  readonly listeners = new Map<string, (event: NavigationEventLike, url: string) => void>();
  openHandler: ((details: { url: string }) => WindowOpenResponse) | null = null;
  loaded: string[] = [];
  shown = false;
  private readyListener: (() => void) | null = null;
  readonly webContents = {
    on: (event: string, listener: (event: NavigationEventLike, url: string) => void) => {
      this.listeners.set(event, listener);
    },
    setWindowOpenHandler: (handler: (details: { url: string }) => WindowOpenResponse) => {
      this.openHandler = handler;
    },
  };
  constructor(readonly options: BrowserWindowConstructorOptions) {
    RecordingWindow.made.push(this);
  }
  once(_event: 'ready-to-show', listener: () => void) {
    this.readyListener = listener;
  }
  show() {
    this.shown = true;
  }
  async loadURL(url: string) {
    this.loaded.push(url);
    this.readyListener?.();
  }
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.listeners.get(kind)!({ preventDefault: () => (prevented = true) }, url);
    return !prevented;
  }
}

function makeWindow() {
  const opened: string[] = [];
  const window = createAppWindow({
    BrowserWindow: RecordingWindow,
    openExternal: async (url) => {
      opened.push(url);
    },
    preloadPath: '/opt/Quire/preload/index.cjs',
    appUrl: APP_URL,
  });
  return { window, opened };
}

describe('the window factory', () => {
  it('gives every window the hardened web preferences and loads the app page', async () => {
    const { window } = makeWindow();
    expect(window.options.webPreferences).toMatchObject({
      preload: '/opt/Quire/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.loaded).toEqual([APP_URL]);
    await Promise.resolve();
    expect(window.shown).toBe(true);
  });

  it('keeps navigation and redirects on the app page', () => {
    const { window } = makeWindow();
    for (const kind of ['will-navigate', 'will-redirect'] as const) {
      expect(window.navigate(kind, APP_URL)).toBe(true);
      expect(window.navigate(kind, `${APP_URL}#/chat`)).toBe(true);
      expect(window.navigate(kind, 'https://evil.example/phish')).toBe(false);
      expect(window.navigate(kind, 'file:///etc/passwd')).toBe(false);
      expect(window.navigate(kind, 'javascript:alert(1)')).toBe(false);
    }
  });

  it('denies every new window and sends only plain web links to the OS browser', () => {
    const { window, opened } = makeWindow();
    const urls = [
      'https://example.org/paper',
      'http://localhost:11434/',
      'file:///home/me/secret.pdf',
      'javascript:alert(1)',
      'https://user:pw@example.org/',
      'smb://server/share',
    ];
    for (const url of urls) expect(window.openHandler!({ url })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/paper', 'http://localhost:11434/']);
  });
});

describe('a window that shows a Quire server', () => {
  const PAGE = 'https://quire.example.com:8443/#token=abc123';
  const remote = () =>
    createAppWindow({
      BrowserWindow: RecordingWindow,
      openExternal: async () => {},
      preloadPath: null,
      appUrl: PAGE,
      partition: 'quire-remote',
      bounds: { x: 10, y: 20, width: 1000, height: 700 },
    });

  it('has no preload, so the page never gets window.quire, and keeps every other guard', () => {
    const window = remote();
    const prefs = window.options.webPreferences!;
    expect('preload' in prefs).toBe(false);
    expect(prefs).toMatchObject({
      partition: 'quire-remote',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(window.options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
    expect(window.loaded).toEqual([PAGE]);
  });

  it('stays on the server’s origin', () => {
    const window = remote();
    expect(window.navigate('will-navigate', 'https://quire.example.com:8443/#/library')).toBe(true);
    expect(window.navigate('will-navigate', 'https://quire.example.com/')).toBe(false);
    expect(window.navigate('will-redirect', 'http://quire.example.com:8443/')).toBe(false);
    expect(window.navigate('will-navigate', APP_URL)).toBe(false);
  });
});

describe('permissions', () => {
  it('grant only the clipboard write that "Copy answer" needs', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | null = null;
    let check: ((c: unknown, p: string) => boolean) | null = null;
    restrictPermissions({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
    });
    const asked = (permission: string) => {
      let granted: boolean | null = null;
      request!(null, permission, (g) => (granted = g));
      return granted;
    };
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fileSystem',
      'hid',
      'serial',
    ]) {
      expect(asked(permission)).toBe(false);
      expect(check!(null, permission)).toBe(false);
    }
    expect(asked('clipboard-sanitized-write')).toBe(true);
    expect(check!(null, 'clipboard-sanitized-write')).toBe(true);
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

  it('allows scripts from the app itself only, never eval', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });

  // The production page is built before the tests in CI (`.ci/run`); a fresh checkout has none.
  const builtPage = new URL('../../out/renderer/index.html', import.meta.url);
  it.skipIf(!existsSync(builtPage))('is in the built page', () => {
    const html = readFileSync(builtPage, 'utf8');
    expect(html).toContain(
      `http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"`,
    );
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
});
