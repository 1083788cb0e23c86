import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { createQuireCore, startCommandLineApi, type QuireCore } from '../core';
import { QuireError } from '../../shared/errors';
import { startAppWindows } from './app-windows';
import { utilityCanary } from './canary-launcher';
import { electronSettingsBackend } from './electron-settings-backend';
import { registerIpcHandlers } from './ipc';
import { registerOpenDialog } from './open-dialog';
import { usableSafeStorage } from './safe-storage-secret-store';
import { restrictPermissions } from './window-factory';
import { isAppUrl } from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(here, '../preload/index.cjs');
const appUrl =
  process.env.ELECTRON_RENDERER_URL ??
  pathToFileURL(path.join(here, '../renderer/index.html')).href;

let core: QuireCore | null = null;
let commandLineApi: { close: () => Promise<void> } | null = null;

app.enableSandbox();

app.whenReady().then(async () => {
  restrictPermissions(session.defaultSession);
  try {
    core = await createQuireCore({
      dataDir: app.getPath('userData'),
      transport: 'ipc',
      resourcesDir: process.resourcesPath,
      // The keychain comes first; safeStorage only when it really encrypts.
      safeStorage: usableSafeStorage(safeStorage),
      settingsBackend: electronSettingsBackend,
      canaryLauncher: utilityCanary,
      // A library in Settings that cannot be opened (offline, wrong keys) must not stop the app.
      libraryFallback: true,
    });
  } catch (error) {
    // Another Quire (a window, or `quire index`) writes this library: say who, not a silent exit.
    if (!(error instanceof QuireError) || error.code !== 'data_in_use') throw error;
    dialog.showErrorBox('Quire is already running', error.message);
    app.quit();
    return;
  }
  // Commands run beside the app (quire ask, index …) reach it through this; nothing else does.
  startCommandLineApi({ dispatch: core.dispatch, hub: core.hub, dataDir: core.dataDir }).then(
    (api) => (commandLineApi = api),
    (error: unknown) => console.warn('[quire] commands beside the app will be refused:', error),
  );
  registerIpcHandlers({
    ipcMain,
    dispatch: core.dispatch,
    isTrustedFrame: (frame) => isAppUrl(frame.url, appUrl),
  });
  registerOpenDialog({
    ipcMain,
    isTrustedFrame: (frame) => isAppUrl(frame.url, appUrl),
    showOpenDialog: (sender, dialogOptions) => {
      const window = BrowserWindow.fromWebContents(sender as Electron.WebContents);
      return window
        ? dialog.showOpenDialog(window, dialogOptions)
        : dialog.showOpenDialog(dialogOptions);
    },
  });
  // This computer's Quire, or the Quire server Settings connected it to (see app-windows).
  const quireCore = core;
  const windows = startAppWindows({
    appUrl,
    preloadPath,
    dataDir: quireCore.dataDir,
    secrets: () => quireCore.providers.secretStore(),
    isTrustedFrame: (frame) => isAppUrl(frame.url, appUrl),
  });
  await windows.start();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void windows.start();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  void commandLineApi?.close();
  void core?.close();
});
