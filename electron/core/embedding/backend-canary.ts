// Chooses the embedding backend. 'auto' first runs onnxruntime-node in a throwaway child process:
// if that child crashes, fails or hangs, Quire uses the WASM runtime and the app lives on.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EmbeddingBackend } from './transformers-runtime';
import type { CanaryReport } from './native-canary';

export type BackendPreference = 'auto' | EmbeddingBackend;
export type CanaryFailure = 'abort' | 'exit' | 'hang' | 'throw';

export type CanaryOptions = {
  /** How long the child may take to load onnxruntime-node and run. */
  timeoutMs?: number;
  /** The canary script; defaults to canaryScriptPath(). */
  scriptPath?: string;
  /** Makes the child fail on purpose, to test the fallback. */
  simulateFailure?: CanaryFailure;
  /** Where to log the outcome (stack traces and stderr stay in logs, never in the UI). */
  log?: (message: string) => void;
  /** How the child starts; by default a forked Node process. */
  launch?: CanaryLauncher;
};

/** A started canary: its one report, its exit and its stderr. */
export type CanaryProcess = {
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  onError(listener: (error: Error) => void): void;
  onStderr(listener: (chunk: string) => void): void;
  kill(): void;
};

/**
 * Starts the canary script with this environment. The app's main process passes one built on
 * Electron's utilityProcess: the packaged app's RunAsNode fuse is off, so forking the Electron
 * binary as Node is not possible there, and a utility process keeps Electron's allocator, which
 * is what the canary must exercise.
 */
export type CanaryLauncher = (script: string, env: NodeJS.ProcessEnv) => CanaryProcess;

/** The default: plain Node (tests, the CLI, quire serve), TypeScript through tsx from source. */
export const forkCanary: CanaryLauncher = (script, env) => {
  const child = fork(script, [], {
    execPath: process.execPath,
    execArgv: script.endsWith('.ts') ? ['--import', tsxLoader()] : [],
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  return {
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
    onError: (listener) => child.on('error', listener),
    onStderr: (listener) => child.stderr?.on('data', (chunk: Buffer) => listener(chunk.toString())),
    kill: () => child.kill('SIGKILL'),
  };
};

export type CanaryResult = { ok: boolean; reason: string; ms: number };

const DEFAULT_TIMEOUT_MS = 30_000;
const CANARY_NAME = 'native-canary';
const here = dirname(fileURLToPath(import.meta.url));

/**
 * The canary script: native-canary.ts beside this module when running from source (tests, tsx);
 * native-canary.js when built, where it is its own entry (out/main/native-canary.js) and this
 * module may sit in the entry's folder or in a chunks/ folder below it.
 */
export function canaryScriptPath(): string {
  if (import.meta.url.endsWith('.ts')) return join(here, `${CANARY_NAME}.ts`);
  const candidates = [join(here, `${CANARY_NAME}.js`), join(dirname(here), `${CANARY_NAME}.js`)];
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

const cache = new Map<string, Promise<EmbeddingBackend>>();

/** 'native' and 'wasm' are taken as given; 'auto' runs the canary once per process and caches it. */
export function chooseBackend(
  preference: BackendPreference,
  options: CanaryOptions = {},
): Promise<EmbeddingBackend> {
  if (preference !== 'auto') return Promise.resolve(preference);
  const key = `${options.scriptPath ?? ''}|${options.simulateFailure ?? ''}`;
  let choice = cache.get(key);
  if (!choice) {
    choice = runNativeCanary(options).then((result) => {
      options.log?.(
        `embedding backend: ${result.ok ? 'native' : 'wasm'} (${result.reason}, ${result.ms} ms)`,
      );
      return result.ok ? 'native' : 'wasm';
    });
    cache.set(key, choice);
  }
  return choice;
}

/** Forks the canary and reports how it went. Never rejects and never throws. */
export function runNativeCanary(options: CanaryOptions = {}): Promise<CanaryResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let report: CanaryReport | undefined;
    let stderr = '';
    const finish = (ok: boolean, reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok, reason, ms: Math.round(performance.now() - started) });
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      child?.kill();
      finish(false, `the native runtime did not answer within ${timeoutMs} ms`);
    }, timeoutMs);

    let child: CanaryProcess | undefined;
    try {
      const script = options.scriptPath ?? canaryScriptPath();
      if (!existsSync(script)) return finish(false, `the canary script is missing: ${script}`);
      child = (options.launch ?? forkCanary)(script, canaryEnv(options.simulateFailure));
    } catch (error) {
      return finish(false, `the canary could not start: ${String(error)}`);
    }
    child.onStderr((chunk) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.onMessage((message) => {
      report = message as CanaryReport;
    });
    child.onError((error) => finish(false, `the canary failed: ${error.message}`));
    child.onExit((code, signal) => {
      if (code === 0 && report?.ok)
        return finish(true, `onnxruntime-node ${report.version} ran in ${report.ms} ms`);
      if (signal) return finish(false, `the native runtime crashed (${signal})`);
      const detail = report && !report.ok ? report.error : lastLine(stderr);
      finish(false, `the native runtime exited with code ${code}${detail ? `: ${detail}` : ''}`);
    });
  });
}

function canaryEnv(failure: CanaryFailure | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.QUIRE_CANARY_FAIL;
  if (failure) env.QUIRE_CANARY_FAIL = failure;
  return env;
}

/** tsx as an absolute URL, so running from source works whatever the working directory. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}
