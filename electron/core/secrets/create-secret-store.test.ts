import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore } from './create-secret-store';
import { fakeSafeStorage } from './fake-safe-storage';
import type { KeytarLike } from './keytar-secret-store';
import { SessionSecretStore } from './session-secret-store';
import { describeSecretBackend } from './types';

function memoryKeytar(): KeytarLike {
  const map = new Map<string, string>();
  return {
    getPassword: async (s, a) => map.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void map.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => map.delete(`${s}/${a}`),
  };
}

describe('createSecretStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-secret-factory-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prefers a working keychain', async () => {
    const store = await createSecretStore({
      dataDir: dir,
      safeStorage: fakeSafeStorage(),
      keychain: { load: async () => memoryKeytar() },
    });
    expect(store.backend).toBe('keychain');
    await store.set('openai', 'sk-1');
    expect(await store.get('openai')).toBe('sk-1');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('falls back to safeStorage when the keychain hangs or is missing', async () => {
    const logs: string[] = [];
    const hanging = await createSecretStore({
      dataDir: dir,
      safeStorage: fakeSafeStorage(),
      keychain: {
        load: async () => ({
          getPassword: () => new Promise(() => {}),
          setPassword: () => new Promise(() => {}),
          deletePassword: () => new Promise(() => {}),
        }),
        probeTimeoutMs: 50,
      },
      log: (m) => logs.push(m),
    });
    expect(hanging.backend).toBe('safeStorage');
    expect(logs.join('\n')).toContain('no keychain');
    const missing = await createSecretStore({
      dataDir: dir,
      safeStorage: fakeSafeStorage(),
      keychain: { load: async () => null },
    });
    expect(missing.backend).toBe('safeStorage');
  });

  it('keeps keys in memory only when nothing else exists', async () => {
    const store = await createSecretStore({
      dataDir: dir,
      safeStorage: fakeSafeStorage({ available: false }),
      keychain: false,
    });
    expect(store).toBeInstanceOf(SessionSecretStore);
    await store.set('anthropic', 'sk-ant-session');
    expect(await store.get('anthropic')).toBe('sk-ant-session');
    expect(await store.has('anthropic')).toBe(true);
    expect(await store.delete('anthropic')).toBe(true);
    expect(await store.has('anthropic')).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(describeSecretBackend(store.backend)).toContain('this session only');
  });
});
