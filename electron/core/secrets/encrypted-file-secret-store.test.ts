import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore, SECRETS_FILE } from './encrypted-file-secret-store';
import { fakeSafeStorage } from './fake-safe-storage';

const SECRET = 'sk-test-PLAINTEXT-never-on-disk-1234567890';

describe('EncryptedFileSecretStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips a key and never writes the plaintext', async () => {
    const store = new EncryptedFileSecretStore(dir, fakeSafeStorage());
    expect(store.backend).toBe('safeStorage');
    expect(await store.get('openai')).toBeNull();
    await store.set('openai', SECRET);
    await store.set('anthropic', 'sk-ant-second');
    expect(await store.get('openai')).toBe(SECRET);
    expect(await store.has('anthropic')).toBe(true);

    const raw = fs.readFileSync(path.join(dir, SECRETS_FILE));
    expect(raw.includes(SECRET)).toBe(false);
    expect(raw.includes(Buffer.from(SECRET).toString('base64'))).toBe(false);
    const parsed = JSON.parse(raw.toString('utf8')) as { secrets: Record<string, string> };
    expect(Object.keys(parsed.secrets).sort()).toEqual(['anthropic', 'openai']);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    }
    // No temp files are left next to it.
    expect(fs.readdirSync(dir)).toEqual([SECRETS_FILE]);
  });

  it('reads keys written by an earlier instance and deletes them', async () => {
    await new EncryptedFileSecretStore(dir, fakeSafeStorage()).set('openai', SECRET);
    const again = new EncryptedFileSecretStore(dir, fakeSafeStorage());
    expect(await again.get('openai')).toBe(SECRET);
    expect(await again.delete('openai')).toBe(true);
    expect(await again.delete('openai')).toBe(false);
    expect(await again.has('openai')).toBe(false);
    expect(fs.readFileSync(path.join(dir, SECRETS_FILE), 'utf8')).not.toContain('openai');
  });

  it('keeps concurrent writes', async () => {
    const store = new EncryptedFileSecretStore(dir, fakeSafeStorage());
    await Promise.all(['a', 'b', 'c', 'd'].map((account) => store.set(account, `key-${account}`)));
    const fresh = new EncryptedFileSecretStore(dir, fakeSafeStorage());
    expect(await fresh.get('c')).toBe('key-c');
    expect(await fresh.get('a')).toBe('key-a');
  });

  it('refuses to save when encryption is unavailable, and writes nothing', async () => {
    const store = new EncryptedFileSecretStore(dir, fakeSafeStorage({ available: false }));
    await expect(store.set('openai', SECRET)).rejects.toMatchObject({ code: 'internal' });
    expect(fs.existsSync(path.join(dir, SECRETS_FILE))).toBe(false);
  });

  it('treats an undecryptable blob as absent and sets a damaged file aside', async () => {
    fs.writeFileSync(
      path.join(dir, SECRETS_FILE),
      JSON.stringify({
        version: 1,
        secrets: { openai: Buffer.from('garbage').toString('base64') },
      }),
    );
    expect(await new EncryptedFileSecretStore(dir, fakeSafeStorage()).get('openai')).toBeNull();

    fs.writeFileSync(path.join(dir, SECRETS_FILE), '{ not json');
    const store = new EncryptedFileSecretStore(dir, fakeSafeStorage());
    expect(await store.get('openai')).toBeNull();
    await store.set('openai', SECRET);
    expect(await store.get('openai')).toBe(SECRET);
    expect(fs.readdirSync(dir).some((name) => name.startsWith(`${SECRETS_FILE}.damaged-`))).toBe(
      true,
    );
  });
});
