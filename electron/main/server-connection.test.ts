// Which Quire the window shows, decided without Electron: the windows are recorded, the server
// is a real `quire serve` on loopback, and the token goes to a secret store as in the app.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVER_CONNECT_CHANNEL,
  type ServerConnectRequest,
  type ServerConnectResult,
} from '../../shared/bridge';
import { startQuireServer, type ServerHandle } from '../../e2e/quire-server';
import { SessionSecretStore } from '../core/secrets';
import { makeTempDir } from '../../test/helpers/temp-dir';
import { appMenuTemplate, serverMenuItems, type MenuServerState } from './app-menu';
import type { IpcInvokeEventLike, WebContentsLike } from './ipc';
import { checkRemoteQuire } from './remote-quire';
import { createServerConnection, registerServerConnect } from './server-connection';
import {
  SERVER_CONNECTION_FILE,
  SERVER_TOKEN_ACCOUNT,
  serverConnectionStore,
} from './server-connection-store';
import { isAppUrl } from './window-options';

let dir: string;
let remove: () => Promise<void>;
let server: ServerHandle;
beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  server = await startQuireServer({ dataDir: path.join(dir, 'server') });
}, 90_000);
afterAll(async () => {
  await server?.stop();
  await remove();
});

/** The app as the controller sees it: a data folder, a keychain, windows and a menu. */
function app(name: string) {
  const dataDir = path.join(dir, name);
  const secrets = new SessionSecretStore();
  const shown: string[] = [];
  const states: MenuServerState[] = [];
  const notices: string[] = [];
  const store = serverConnectionStore({ dataDir, secrets: async () => secrets });
  const connection = createServerConnection({
    store,
    check: (link) => checkRemoteQuire(link, { timeoutMs: 2_000 }),
    showLocal: () => shown.push('local'),
    showRemote: (pageUrl) => shown.push(pageUrl),
    onState: (state) => states.push(state),
    notifyUnreachable: (host, message) => notices.push(`${host}: ${message}`),
  });
  return { dataDir, secrets, store, connection, shown, states, notices };
}

describe('connecting the app to a Quire server', () => {
  it('checks the server, keeps the address in a file and the token in the keychain, and shows its page', async () => {
    const a = app('connect');
    const host = new URL(server.url).host;
    const result = await a.connection.connect({ link: server.openUrl });
    expect(result).toMatchObject({ ok: true, value: { host, name: 'owner', role: 'owner' } });
    expect(a.shown).toEqual([`${server.url}/#token=${server.token}`]);
    expect(a.states.at(-1)).toEqual({ kind: 'remote', host });
    const file = path.join(a.dataDir, SERVER_CONNECTION_FILE);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ url: server.url, host });
    expect(fs.readFileSync(file, 'utf8')).not.toContain(server.token);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await a.secrets.get(SERVER_TOKEN_ACCOUNT)).toBe(server.token);
  });

  it('remembers nothing and changes no window when the server refuses the token', async () => {
    const a = app('refused');
    const result = await a.connection.connect({ link: server.url, token: 'wrong-token-123' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(a.shown).toEqual([]);
    expect(a.store.read()).toBeNull();
    expect(await a.secrets.get(SERVER_TOKEN_ACCOUNT)).toBeNull();
  });

  it('connects again on start, and Disconnect forgets the address and deletes the token', async () => {
    const a = app('restart');
    expect((await a.connection.connect({ link: server.openUrl })).ok).toBe(true);
    // The app starts again with the same data folder and keychain.
    const again = createServerConnection({
      store: a.store,
      check: (link) => checkRemoteQuire(link),
      showLocal: () => a.shown.push('local'),
      showRemote: (pageUrl) => a.shown.push(pageUrl),
      onState: (state) => a.states.push(state),
      notifyUnreachable: (host, message) => a.notices.push(`${host}: ${message}`),
    });
    a.shown.length = 0;
    await again.start();
    expect(a.shown).toEqual([`${server.url}/#token=${server.token}`]);
    await again.disconnect();
    expect(a.shown.at(-1)).toBe('local');
    expect(again.state()).toEqual({ kind: 'local' });
    expect(a.store.read()).toBeNull();
    expect(await a.secrets.get(SERVER_TOKEN_ACCOUNT)).toBeNull();
    expect(fs.existsSync(path.join(a.dataDir, SERVER_CONNECTION_FILE))).toBe(false);
  });

  it('shows this computer’s library with a notice when the remembered server is unreachable at start', async () => {
    const a = app('unreachable');
    // A server that answered once, then stopped.
    const gone = await startQuireServer({ dataDir: path.join(dir, 'gone') });
    expect((await a.connection.connect({ link: gone.openUrl })).ok).toBe(true);
    await gone.stop();
    a.shown.length = 0;
    await a.connection.start();
    const host = new URL(gone.url).host;
    expect(a.shown).toEqual(['local']);
    expect(a.connection.state()).toEqual({ kind: 'unreachable', host });
    expect(a.notices).toHaveLength(1);
    expect(a.notices[0]).toMatch(new RegExp(`^${host}: Quire could not reach ${host}`));
    // Still remembered: the menu offers to try again, or to disconnect.
    expect(a.store.read()).toMatchObject({ host });
    expect(serverMenuItems(a.connection.state(), { disconnect() {}, retry() {} })).toMatchObject([
      { id: 'server-retry', label: `Connect to ${host} Again` },
      { id: 'server-disconnect', label: `Disconnect from ${host}` },
    ]);
  }, 90_000);

  it('shows this computer’s library when nothing is remembered, or the token is gone', async () => {
    const a = app('nothing');
    await a.connection.start();
    expect(a.shown).toEqual(['local']);
    fs.mkdirSync(a.dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(a.dataDir, SERVER_CONNECTION_FILE),
      JSON.stringify({ url: server.url, host: 'x' }),
    );
    await a.connection.start();
    expect(a.shown).toEqual(['local', 'local']);
    expect(a.store.read()).toBeNull();
  });
});

describe('the application menu', () => {
  const actions = { disconnect() {}, retry() {} };
  const fileMenu = (state: MenuServerState, platform: NodeJS.Platform) =>
    appMenuTemplate(state, actions, platform).find((m) => m.label === 'File')!.submenu as {
      label?: string;
      role?: string;
    }[];

  it('offers Disconnect from <host> while a server is shown, and nothing of the kind otherwise', () => {
    expect(fileMenu({ kind: 'remote', host: 'q.example.org:8443' }, 'linux')[0]).toMatchObject({
      label: 'Disconnect from q.example.org:8443',
    });
    expect(fileMenu({ kind: 'local' }, 'linux')).toEqual([{ role: 'quit' }]);
    const mac = appMenuTemplate({ kind: 'local' }, actions, 'darwin');
    expect(mac[0]).toEqual({ role: 'appMenu' });
    expect(mac.map((m) => m.role ?? m.label)).toEqual([
      'appMenu',
      'File',
      'editMenu',
      'viewMenu',
      'windowMenu',
    ]);
  });
});

describe('the connect channel', () => {
  const APP_URL = 'file:///opt/Quire/resources/app.asar/out/renderer/index.html';
  function setUp() {
    let handler: ((event: IpcInvokeEventLike, args: unknown) => Promise<unknown>) | undefined;
    const asked: ServerConnectRequest[] = [];
    registerServerConnect({
      ipcMain: {
        handle: (channel, listener) => {
          expect(channel).toBe(SERVER_CONNECT_CHANNEL);
          handler = listener;
        },
        removeHandler: () => (handler = undefined),
      },
      isTrustedFrame: (frame) => isAppUrl(frame.url, APP_URL),
      connect: async (request) => {
        asked.push(request);
        return { ok: false, error: { code: 'unreachable', message: 'test' } };
      },
    });
    const call = (url: string, args: unknown, parent: unknown = null) =>
      handler!(
        { sender: { id: 1 } as WebContentsLike, senderFrame: { url, parent } },
        args,
      ) as Promise<ServerConnectResult>;
    return { call, asked };
  }

  it('serves only the app’s own top-level page, with two strings', async () => {
    const { call, asked } = setUp();
    expect(await call(APP_URL, { link: 'https://q.example.org/#token=abcdefgh' })).toMatchObject({
      error: { code: 'unreachable' },
    });
    expect(asked).toEqual([{ link: 'https://q.example.org/#token=abcdefgh' }]);
    // A Quire server's page (no bridge, but say it found a way), or a frame inside the app.
    for (const [url, parent] of [
      ['https://q.example.org/', null],
      [APP_URL, {}],
    ] as const)
      expect(
        await call(url, { link: 'https://evil.example/#token=abcdefgh' }, parent),
      ).toMatchObject({ ok: false, error: { code: 'invalid_link' } });
    for (const bad of [null, 'text', { link: 7 }, { link: ' ' }, { link: 'x', token: {} }])
      expect(await call(APP_URL, bad)).toMatchObject({ ok: false });
    expect(asked).toHaveLength(1);
  });
});
