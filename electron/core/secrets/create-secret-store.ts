import { EncryptedFileSecretStore } from './encrypted-file-secret-store';
import { KeytarSecretStore, probeKeychain, type KeytarLike } from './keytar-secret-store';
import { SessionSecretStore } from './session-secret-store';
import type { SafeStorageLike, SecretStore } from './types';

export type CreateSecretStoreOptions = {
  dataDir: string;
  /** Electron's safeStorage, passed in by main; absent under plain Node. */
  safeStorage?: SafeStorageLike;
  /** false skips the keychain (tests, or a user who opted out). */
  keychain?: false | { load?: () => Promise<KeytarLike | null>; probeTimeoutMs?: number };
  log?: (message: string) => void;
};

/** Keychain first, then safeStorage-encrypted file, then memory for this session only. */
export async function createSecretStore(options: CreateSecretStoreOptions): Promise<SecretStore> {
  const log = options.log ?? (() => {});
  if (options.keychain !== false) {
    const probe = await probeKeychain({
      load: options.keychain?.load,
      timeoutMs: options.keychain?.probeTimeoutMs,
    });
    if (probe.ok) return new KeytarSecretStore(probe.keytar);
    log(`secrets: no keychain (${probe.reason})`);
  }
  if (options.safeStorage) {
    let available = false;
    try {
      available = options.safeStorage.isEncryptionAvailable();
    } catch {
      available = false;
    }
    if (available) return new EncryptedFileSecretStore(options.dataDir, options.safeStorage);
    log('secrets: safeStorage encryption is not available');
  }
  log('secrets: keeping API keys in memory for this session only');
  return new SessionSecretStore();
}
