import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell } from 'electron';
import { createQuireCore, type QuireCore } from '../core/quire-core';
import { electronSettingsBackend } from './electron-settings-backend';
import { registerIpcHandlers } from './ipc';
import { usableSafeStorage } from './safe-storage-secret-store';
import { createAppWindow, restrictPermissions } from './window-factory';
import { isAppUrl } from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(here, '../preload/index.cjs');
const appUrl =
  process.env.ELECTRON_RENDERER_URL ??
  pathToFileURL(path.join(here, '../renderer/index.html')).href;

let core: QuireCore | null = null;

function createMainWindow(): BrowserWindow {
  return createAppWindow({
    BrowserWindow,
    openExternal: (url) => shell.openExternal(url),
    preloadPath,
    appUrl,
  });
}

app.enableSandbox();

app.whenReady().then(async () => {
  restrictPermissions(session.defaultSession);
  core = await createQuireCore({
    dataDir: app.getPath('userData'),
    transport: 'ipc',
    resourcesDir: process.resourcesPath,
    // The keychain comes first; safeStorage only when it really encrypts.
    safeStorage: usableSafeStorage(safeStorage),
    settingsBackend: electronSettingsBackend,
  });
  registerIpcHandlers({
    ipcMain,
    dispatch: core.dispatch,
    isTrustedFrame: (frame) => isAppUrl(frame.url, appUrl),
  });
  ipcMain.handle('quire:dialog.open', async (event, kind: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, appUrl)) return [];
    const window = BrowserWindow.fromWebContents(event.sender);
    const options: Electron.OpenDialogOptions = {
      title: kind === 'folder' ? 'Add a folder to Quire' : 'Add files to Quire',
      properties: kind === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
      filters:
        kind === 'folder'
          ? []
          : [
              {
                name: 'Documents',
                extensions: ['pdf', 'md', 'markdown', 'txt', 'html', 'htm', 'docx', 'csv', 'log'],
              },
            ],
    };
    const result = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  });
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  void core?.close();
});
