// The one way into the core for the Electron main process: what it wires, nothing deeper.
export { createQuireCore, type QuireCore, type QuireCoreOptions } from './quire-core';
export { startCommandLineApi } from './server/server-file';
export { closeConnection, type Connection, type Dispatch } from './rpc/dispatch';
export type { SettingsBackendFactory } from './settings/settings-store';
export {
  createSecretStore,
  EncryptedFileSecretStore,
  type SafeStorageLike,
  type SecretStore,
} from './secrets';
export type { CanaryLauncher } from './embedding/backend-canary';
