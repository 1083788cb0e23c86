import type { SecretStore } from './types';

/** Memory only, for machines with neither a keychain nor safeStorage: nothing touches disk. */
export class SessionSecretStore implements SecretStore {
  readonly backend = 'session' as const;
  private readonly secrets = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.secrets.delete(account);
  }

  async has(account: string): Promise<boolean> {
    return this.secrets.has(account);
  }
}
