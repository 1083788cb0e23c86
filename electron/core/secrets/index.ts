export { createSecretStore, type CreateSecretStoreOptions } from './create-secret-store';
export { EncryptedFileSecretStore, SECRETS_FILE } from './encrypted-file-secret-store';
export {
  KeytarSecretStore,
  loadKeytar,
  probeKeychain,
  KEYCHAIN_SERVICE,
  type KeychainProbe,
  type KeytarLike,
} from './keytar-secret-store';
export { SessionSecretStore } from './session-secret-store';
export {
  describeSecretBackend,
  type SafeStorageLike,
  type SecretBackend,
  type SecretStore,
} from './types';
