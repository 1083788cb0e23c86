import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lastJsonLine, runGuarded } from './guarded-node';
import { isLoopbackHost } from './network-guard';

const PROBE = fileURLToPath(new URL('./network-probe.ts', import.meta.url));

type Outcome = { attempt: string; outcome: 'blocked' | 'connected' | 'error'; detail: string };

describe('the network guard', () => {
  it('knows loopback from everything else', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.255.255.1', '0.0.0.0', 'example.com', 'localhost.example.com', '::'])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('blocks and records outside connections and DNS lookups in the process and its workers', async () => {
    const run = await runGuarded(PROBE, [], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const outcomes = lastJsonLine<Outcome[]>(run.stdout);
    const byAttempt = new Map(outcomes.map((o) => [o.attempt, o]));
    const outside = [
      'net.connect',
      'net.createConnection by name',
      'dns.lookup',
      'dns.promises.lookup',
      'dns.promises.resolve4',
      'Resolver.resolveTxt',
      'http.get',
      'https.get',
      'fetch',
      'fetch Request',
      'worker connect',
      'worker dns.lookup',
      'worker fetch',
    ];
    for (const attempt of outside)
      expect(byAttempt.get(attempt), attempt).toMatchObject({ outcome: 'blocked' });
    // Loopback still works, so the guard cannot pass by blocking everything.
    for (const attempt of ['loopback connect', 'loopback fetch', 'loopback dns.lookup'])
      expect(byAttempt.get(attempt), attempt).toMatchObject({ outcome: 'connected' });

    const targets = run.violations.map((v) => `${v.kind} ${v.target}`);
    expect(targets).toContain('connect 10.255.255.1:80');
    expect(targets).toContain('dns example.com');
    expect(targets).toContain('fetch https://huggingface.co/Xenova/all-MiniLM-L6-v2');
    const workerThreads = new Set(
      run.violations.filter((v) => v.thread !== 0).map((v) => v.thread),
    );
    expect(workerThreads.size).toBe(1);
    expect(
      run.violations
        .filter((v) => v.thread !== 0)
        .map((v) => v.kind)
        .sort(),
    ).toEqual(['connect', 'dns', 'fetch']);
    expect(run.violations.every((v) => !v.target.includes('127.0.0.1'))).toBe(true);
  });
});
