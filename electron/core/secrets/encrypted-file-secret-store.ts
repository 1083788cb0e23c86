import fs from 'node:fs/promises';
import path from 'node:path';
import { QuireError } from '../../../shared/errors';
import type { SafeStorageLike, SecretStore } from './types';

export const SECRETS_FILE = 'secrets.json';
type SecretsFile = { version: 1; secrets: Record<string, string> };

/**
 * API keys encrypted by the OS (Electron's safeStorage, injected) in `<dataDir>/secrets.json`:
 * base64 of each encrypted blob, file mode 0600. Plaintext never reaches the disk.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly backend = 'safeStorage' as const;
  readonly filePath: string;
  private cache: Record<string, string> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.filePath = path.join(dataDir, SECRETS_FILE);
  }

  // One operation at a time, so two quick `set`s never lose each other's write.
  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Record<string, string>> {
    if (this.cache) return this.cache;
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.cache = {};
      return this.cache;
    }
    try {
      const parsed = JSON.parse(text) as Partial<SecretsFile>;
      this.cache = { ...(parsed.secrets ?? {}) };
    } catch {
      // Keep the damaged file for inspection rather than silently overwriting other keys.
      await fs.rename(this.filePath, `${this.filePath}.damaged-${Date.now()}`).catch(() => {});
      this.cache = {};
    }
    return this.cache;
  }

  private async save(secrets: Record<string, string>): Promise<void> {
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    const body: SecretsFile = { version: 1, secrets };
    const temp = `${this.filePath}.${process.pid}.tmp`;
    await fs.writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await fs.chmod(temp, 0o600); // the umask may have loosened the mode
    await fs.rename(temp, this.filePath);
  }

  private requireEncryption(): void {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new QuireError(
        'internal',
        'Encryption is not available right now, so the key was not saved.',
      );
    }
  }

  get(account: string): Promise<string | null> {
    return this.serial(async () => {
      const blob = (await this.load())[account];
      if (blob === undefined) return null;
      try {
        return this.safeStorage.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        return null; // the OS key changed (new user profile, reinstalled keyring): ask again
      }
    });
  }

  set(account: string, secret: string): Promise<void> {
    return this.serial(async () => {
      this.requireEncryption();
      const encrypted = this.safeStorage.encryptString(secret).toString('base64');
      const next = { ...(await this.load()), [account]: encrypted };
      await this.save(next);
      this.cache = next;
    });
  }

  delete(account: string): Promise<boolean> {
    return this.serial(async () => {
      const current = await this.load();
      if (!(account in current)) return false;
      const next = { ...current };
      delete next[account];
      await this.save(next);
      this.cache = next;
      return true;
    });
  }

  has(account: string): Promise<boolean> {
    return this.serial(async () => (await this.load())[account] !== undefined);
  }
}
