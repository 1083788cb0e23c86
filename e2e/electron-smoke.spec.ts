import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary';
import type { ServerHandle } from './quire-server';
import { startTestServer } from './ui-helpers';

// Not require('electron'): since Electron 42 that downloads the binary when it is missing.
const electronBinary = () => findElectronBinary(path.resolve('node_modules/electron'));

/** The Electron binary, or a skip that says why there is none. */
function electronOrSkip(): string | null {
  const binary = electronBinary();
  if (!binary || !fs.existsSync(path.resolve('out/main/index.js'))) {
    const reason = !binary
      ? 'Electron binary not installed (npx install-electron fetches it): skipping the Electron smoke test'
      : 'out/main is not built: run "npm run build"';
    console.log(`[electron-smoke] ${reason}`);
    test.skip(true, reason);
    return null;
  }
  return binary;
}

test('the Electron app opens a hardened window that shows Quire, connected', async () => {
  const binary = electronOrSkip();
  if (!binary) return;
  const app = await electron.launch({
    executablePath: binary,
    args: [path.resolve('out/main/index.js')],
  });
  try {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('Quire');
    await expect(window.getByTestId('connection-state')).toHaveText('Connected');
    const exposesNode = await window.evaluate(
      () => typeof (globalThis as { require?: unknown }).require !== 'undefined',
    );
    expect(exposesNode).toBe(false);
    await window.screenshot({ path: 'test-results/electron-window.png' });
  } finally {
    await app.close();
  }
});

let server: ServerHandle | undefined;
test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('the app connects to a Quire server without giving its page the bridge, and disconnects', async () => {
  const binary = electronOrSkip();
  if (!binary) return;
  server = await startTestServer();
  // Its own profile: the connection is remembered in the data folder and the keychain.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-electron-'));
  const app = await electron.launch({
    executablePath: binary,
    args: [path.resolve('out/main/index.js'), `--user-data-dir=${profile}`],
  });
  try {
    const local = await app.firstWindow();
    await expect(local.getByTestId('connection-state')).toHaveText('Connected');
    await local.getByRole('link', { name: 'Settings' }).click();
    await local.getByLabel('Link or address').fill(server.openUrl);
    // The window is replaced: a page's preload cannot be taken away from it.
    const opened = app.waitForEvent('window');
    await local.getByRole('button', { name: 'Connect', exact: true }).click();
    const remote = await opened;
    await remote.waitForURL((url) => url.href.startsWith(server!.url));
    await expect(remote.getByTestId('connection-state')).toHaveText('Connected');
    // The server's page is a page like any other: no bridge, no Node.
    expect(await remote.evaluate(() => typeof (globalThis as { quire?: unknown }).quire)).toBe(
      'undefined',
    );
    await remote.screenshot({ path: 'test-results/electron-remote-window.png' });
    // The token is in the keychain (or its fallback), never in the connection file.
    const userData = await app.evaluate(({ app }) => app.getPath('userData'));
    const saved = fs.readFileSync(path.join(userData, 'server-connection.json'), 'utf8');
    expect(saved).not.toContain(server.token);

    // File › Disconnect from <host>: this computer's library again, with its bridge.
    const back = app.waitForEvent('window');
    const clicked = await app.evaluate(({ Menu }) => {
      const item = Menu.getApplicationMenu()?.getMenuItemById('server-disconnect');
      item?.click();
      return item?.label ?? null;
    });
    expect(clicked).toBe(`Disconnect from ${new URL(server.url).host}`);
    const home = await back;
    await home.waitForURL((url) => url.protocol === 'file:');
    await expect(home.getByTestId('connection-state')).toHaveText('Connected');
    expect(await home.evaluate(() => typeof (globalThis as { quire?: unknown }).quire)).toBe(
      'object',
    );
    expect(fs.existsSync(path.join(userData, 'server-connection.json'))).toBe(false);
  } finally {
    await app.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
