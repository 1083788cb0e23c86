import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSafeStorage } from '../core/secrets/fake-safe-storage';
import {
  createMainSecretStore,
  createSafeStorageSecretStore,
  usableSafeStorage,
} from './safe-storage-secret-store';

const SECRET = 'sk-proj-MAIN-plaintext-secret-0987654321';

describe('safeStorage secret store (main)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-main-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores encrypted blobs in secrets.json with mode 0600 and no plaintext', async () => {
    const store = createSafeStorageSecretStore(dir, fakeSafeStorage());
    await store.set('openai', SECRET);
    expect(await store.get('openai')).toBe(SECRET);
    const file = path.join(dir, 'secrets.json');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(8, 24));
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rejects Linux basic_text, which is obfuscation rather than encryption', () => {
    const basic = { ...fakeSafeStorage(), getSelectedStorageBackend: () => 'basic_text' };
    const gnome = { ...fakeSafeStorage(), getSelectedStorageBackend: () => 'gnome_libsecret' };
    expect(usableSafeStorage(basic, 'linux')).toBeUndefined();
    expect(usableSafeStorage(gnome, 'linux')).toBe(gnome);
    expect(usableSafeStorage(basic, 'darwin')).toBe(basic);
    expect(usableSafeStorage(fakeSafeStorage({ available: false }), 'darwin')).toBeUndefined();
    expect(usableSafeStorage(undefined)).toBeUndefined();
  });

  it('the main factory picks safeStorage or the session store, never plaintext', async () => {
    // The keychain may or may not exist on this machine; either way no plaintext is written.
    const store = await createMainSecretStore(dir, {
      ...fakeSafeStorage(),
      getSelectedStorageBackend: () => 'basic_text',
    });
    expect(['keychain', 'session']).toContain(store.backend);
    if (store.backend === 'session') {
      await store.set('openai', SECRET);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
  });
});
