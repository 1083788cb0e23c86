import ElectronStore from 'electron-store';
import type { SettingsBackendFactory } from '../core';

/**
 * The app's settings live in electron-store, which is conf with Electron's defaults; core
 * passes `cwd` (the data folder) and the file name, so the app and headless mode share one
 * settings.json.
 */
export const electronSettingsBackend: SettingsBackendFactory = (options) =>
  new ElectronStore<Record<string, unknown>>(options);
