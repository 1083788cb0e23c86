import fs from 'node:fs';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary';

// Not require('electron'): since Electron 42 that downloads the binary when it is missing.
const electronBinary = () => findElectronBinary(path.resolve('node_modules/electron'));

test('the Electron app opens a hardened window that shows Quire, connected', async () => {
  const binary = electronBinary();
  if (!binary || !fs.existsSync(path.resolve('out/main/index.js'))) {
    const reason = !binary
      ? 'Electron binary not installed (npx install-electron fetches it): skipping the Electron smoke test'
      : 'out/main is not built: run "npm run build"';
    console.log(`[electron-smoke] ${reason}`);
    test.skip(true, reason);
    return;
  }
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
