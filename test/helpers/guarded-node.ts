import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GUARD_LOG_ENV,
  readGuardedThreads,
  readViolations,
  type NetworkViolation,
} from './network-guard';

const require = createRequire(import.meta.url);
const GUARD = fileURLToPath(new URL('./network-guard.ts', import.meta.url));

export type GuardedRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  violations: NetworkViolation[];
  /** Thread ids the guard was installed in: 0 is the main thread. */
  guardedThreads: number[];
};

/**
 * Runs a TypeScript script in a child Node process with the network guard preloaded in the
 * process and in every worker_thread it starts (`--require` preloads reach workers).
 */
export async function runGuarded(
  script: string,
  args: string[] = [],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<GuardedRun> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-guard-'));
  const logFile = path.join(logDir, 'violations.jsonl');
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('tsx/cjs'),
      '--require',
      GUARD,
      '--import',
      'tsx',
      script,
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env, [GUARD_LOG_ENV]: logFile },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 170_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const violations = readViolations(logFile);
  const guardedThreads = readGuardedThreads(logFile);
  fs.rmSync(logDir, { recursive: true, force: true });
  return { code, stdout, stderr, violations, guardedThreads };
}

/** The last line of stdout that parses as JSON: a guarded script's report. */
export function lastJsonLine<T>(stdout: string): T {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{') || l.startsWith('['));
  if (!line) throw new Error(`no JSON report in output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as T;
}
