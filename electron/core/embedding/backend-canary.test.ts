import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canaryScriptPath, chooseBackend, runNativeCanary } from './backend-canary';

describe('chooseBackend', () => {
  it('takes an explicit choice as given, without a canary', async () => {
    expect(await chooseBackend('wasm')).toBe('wasm');
    expect(await chooseBackend('native')).toBe('native');
  });

  it('finds the canary script beside the module when running from source', () => {
    expect(canaryScriptPath()).toMatch(/native-canary\.ts$/);
    expect(existsSync(canaryScriptPath())).toBe(true);
  });

  it("picks 'native' here, where onnxruntime-node works, and caches the answer", async () => {
    const logs: string[] = [];
    expect(await chooseBackend('auto', { log: (m) => logs.push(m) })).toBe('native');
    expect(logs.join()).toMatch(/native \(onnxruntime-node \d+\.\d+\.\d+ ran/);
    const started = performance.now();
    expect(await chooseBackend('auto')).toBe('native');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("falls back to 'wasm' when the native runtime aborts the process, and the caller lives on", async () => {
    const result = await runNativeCanary({ simulateFailure: 'abort' });
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/crashed \(SIGABRT\)/),
    });
    expect(await chooseBackend('auto', { simulateFailure: 'abort' })).toBe('wasm');
    expect(process.exitCode ?? 0).toBe(0);
  });

  it("falls back to 'wasm' when the canary exits non-zero, throws, or hangs", async () => {
    expect(await runNativeCanary({ simulateFailure: 'exit' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/code 3/),
    });
    expect(await runNativeCanary({ simulateFailure: 'throw' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/simulated canary failure/),
    });
    const hang = await runNativeCanary({ simulateFailure: 'hang', timeoutMs: 2_000 });
    expect(hang).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/did not answer within 2000 ms/),
    });
    expect(await chooseBackend('auto', { simulateFailure: 'hang', timeoutMs: 2_000 })).toBe('wasm');
  });

  it("falls back to 'wasm' when the canary script is missing", async () => {
    expect(await chooseBackend('auto', { scriptPath: '/nonexistent/native-canary.js' })).toBe(
      'wasm',
    );
  });
});
