/** Where API keys live. 'session' means memory only: gone when Quire quits. */
export type SecretBackend = 'keychain' | 'safeStorage' | 'session';

/** API keys, by account ('openai', 'anthropic', ...). Implementations never write plaintext. */
export interface SecretStore {
  readonly backend: SecretBackend;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  has(account: string): Promise<boolean>;
}

/** The part of Electron's `safeStorage` we use; main injects it so core never imports electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Words for Settings, next to the key field. */
export function describeSecretBackend(backend: SecretBackend): string {
  switch (backend) {
    case 'keychain':
      return 'Stored in your system keychain.';
    case 'safeStorage':
      return 'Stored encrypted with your operating system account.';
    case 'session':
      return 'No keychain was found, so the key is kept for this session only.';
  }
}
