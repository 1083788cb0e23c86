import {
  createSecretStore,
  EncryptedFileSecretStore,
  type SafeStorageLike,
  type SecretStore,
} from '../core';

/** Electron's safeStorage, typed structurally so this file (and its test) needs no electron import. */
export type ElectronSafeStorage = SafeStorageLike & {
  /** Linux only: which secret store Chromium picked. */
  getSelectedStorageBackend?(): string;
};

/**
 * safeStorage as a secret backend, or undefined when it would not really protect the key.
 * On Linux without a keyring Chromium falls back to 'basic_text', a hard-coded password:
 * that is obfuscation, not encryption, so the session store is the honest choice.
 */
export function usableSafeStorage(
  safeStorage: ElectronSafeStorage | undefined,
  platform: NodeJS.Platform = process.platform,
): SafeStorageLike | undefined {
  if (!safeStorage) return undefined;
  try {
    if (!safeStorage.isEncryptionAvailable()) return undefined;
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      if (backend === 'basic_text' || backend === 'unknown') return undefined;
    }
    return safeStorage;
  } catch {
    return undefined;
  }
}

/** The safeStorage-backed store on its own (encrypted blobs in `<dataDir>/secrets.json`). */
export function createSafeStorageSecretStore(
  dataDir: string,
  safeStorage: SafeStorageLike,
): EncryptedFileSecretStore {
  return new EncryptedFileSecretStore(dataDir, safeStorage);
}

/**
 * What main calls once the app is ready (safeStorage needs that):
 * `createMainSecretStore(app.getPath('userData'), safeStorage)` with `safeStorage` from 'electron'.
 */
export function createMainSecretStore(
  dataDir: string,
  safeStorage: ElectronSafeStorage | undefined,
  log?: (message: string) => void,
): Promise<SecretStore> {
  return createSecretStore({ dataDir, safeStorage: usableSafeStorage(safeStorage), log });
}
