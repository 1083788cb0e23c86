import { QuireError } from '../../../shared/errors';
import type { SecretStore } from './types';

/** The three keytar calls we use; a port, so a missing native module only disables the keychain. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'Quire';
const PROBE_ACCOUNT = 'quire-keychain-probe';
const DEFAULT_CALL_TIMEOUT_MS = 10_000;
export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

/** Loads keytar lazily; null when the native module is missing or fails to load. */
export async function loadKeytar(): Promise<KeytarLike | null> {
  try {
    const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike;
    const keytar = mod.default ?? mod;
    return typeof keytar.getPassword === 'function' ? keytar : null;
  } catch {
    return null;
  }
}

// The Secret Service answers over D-Bus, which can hang forever when no daemon runs.
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** API keys in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service). */
export class KeytarSecretStore implements SecretStore {
  readonly backend = 'keychain' as const;

  constructor(
    private readonly keytar: KeytarLike,
    private readonly options: { service?: string; timeoutMs?: number } = {},
  ) {}

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(run(), this.options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, what);
    } catch (error) {
      // keytar errors can echo the account name but never the secret; keep the text generic anyway.
      throw new QuireError(
        'internal',
        'The system keychain did not answer. Unlock it, or try again.',
        { cause: error },
      );
    }
  }

  private get service(): string {
    return this.options.service ?? KEYCHAIN_SERVICE;
  }

  get(account: string): Promise<string | null> {
    return this.call('keychain read', () => this.keytar.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.call('keychain write', () =>
      this.keytar.setPassword(this.service, account, secret),
    );
  }

  delete(account: string): Promise<boolean> {
    return this.call('keychain delete', () => this.keytar.deletePassword(this.service, account));
  }

  async has(account: string): Promise<boolean> {
    return (await this.get(account)) !== null;
  }
}

export type KeychainProbe = { ok: true; keytar: KeytarLike } | { ok: false; reason: string };

/** A set/get/delete round trip on a throwaway account: the only reliable test that a keychain works. */
export async function probeKeychain(
  options: { timeoutMs?: number; load?: () => Promise<KeytarLike | null>; service?: string } = {},
): Promise<KeychainProbe> {
  const keytar = await (options.load ?? loadKeytar)();
  if (!keytar) return { ok: false, reason: 'the keytar native module could not be loaded' };
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const service = options.service ?? KEYCHAIN_SERVICE;
  const value = `probe-${process.pid}-${Date.now()}`;
  try {
    await withTimeout(keytar.setPassword(service, PROBE_ACCOUNT, value), timeoutMs, 'write');
    const read = await withTimeout(keytar.getPassword(service, PROBE_ACCOUNT), timeoutMs, 'read');
    await withTimeout(keytar.deletePassword(service, PROBE_ACCOUNT), timeoutMs, 'delete');
    if (read !== value) return { ok: false, reason: 'the keychain did not return what was stored' };
    return { ok: true, keytar };
  } catch (error) {
    return { ok: false, reason: `the keychain is not usable: ${(error as Error).message}` };
  }
}
