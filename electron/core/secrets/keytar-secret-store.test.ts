import { describe, expect, it } from 'vitest';
import {
  KeytarSecretStore,
  loadKeytar,
  probeKeychain,
  type KeytarLike,
} from './keytar-secret-store';

// A separate service name so a developer's real Quire keys are never touched.
const TEST_SERVICE = 'QuireTest';

describe('keychain (keytar)', () => {
  it('stores, reads and deletes a key in the real keychain when one is reachable', async (ctx) => {
    const probe = await probeKeychain({ service: TEST_SERVICE });
    if (!probe.ok) {
      console.log(`skipping the real keychain round trip: ${probe.reason}`);
      ctx.skip();
      return;
    }
    const store = new KeytarSecretStore(probe.keytar, { service: TEST_SERVICE });
    const account = `test-${process.pid}-${Date.now()}`;
    try {
      expect(await store.get(account)).toBeNull();
      await store.set(account, 'sk-keychain-test-secret');
      expect(await store.get(account)).toBe('sk-keychain-test-secret');
      expect(await store.has(account)).toBe(true);
      expect(await store.delete(account)).toBe(true);
      expect(await store.get(account)).toBeNull();
      expect(await store.delete(account)).toBe(false);
    } finally {
      await store.delete(account).catch(() => false);
    }
  });

  it('loads the native module without crashing, or reports it missing', async () => {
    const keytar = await loadKeytar();
    expect(keytar === null || typeof keytar.getPassword === 'function').toBe(true);
  });

  it('reports a keychain that never answers as unavailable instead of hanging', async () => {
    const hanging: KeytarLike = {
      getPassword: () => new Promise(() => {}),
      setPassword: () => new Promise(() => {}),
      deletePassword: () => new Promise(() => {}),
    };
    const probe = await probeKeychain({ load: async () => hanging, timeoutMs: 50 });
    expect(probe.ok).toBe(false);
    const store = new KeytarSecretStore(hanging, { timeoutMs: 50 });
    await expect(store.get('openai')).rejects.toMatchObject({ code: 'internal' });
  });

  it('reports a missing native module and a broken Secret Service', async () => {
    expect(await probeKeychain({ load: async () => null })).toMatchObject({ ok: false });
    const broken: KeytarLike = {
      getPassword: async () => null,
      setPassword: async () => {
        throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
      },
      deletePassword: async () => false,
    };
    const probe = await probeKeychain({ load: async () => broken });
    expect(probe).toMatchObject({ ok: false });
    if (!probe.ok) expect(probe.reason).toContain('D-Bus');
  });
});
