// A network guard for tests, preloaded with `node --require tsx/cjs --require <this file>`.
//
// `--require` preloads run in every worker_thread too (workers inherit execArgv), unlike
// `--import` on Node 20, so indexing workers are guarded as well as the main thread.
// Every non-loopback connection or DNS lookup is blocked and appended, as one JSON line,
// to the file named by QUIRE_NETWORK_GUARD_LOG. Sockets opened by native code (C/C++/Rust
// inside an addon) do not pass through Node's net module and are not seen here.
import { isLoopbackHost } from '../../shared/loopback';
import dns from 'node:dns';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { threadId } from 'node:worker_threads';

export const GUARD_LOG_ENV = 'QUIRE_NETWORK_GUARD_LOG';

export type NetworkViolation = {
  kind: 'connect' | 'dns' | 'fetch' | 'dispatch';
  target: string;
  thread: number;
  stack: string;
};

export { isLoopbackHost };

function blocked(kind: NetworkViolation['kind'], target: string): Error {
  const error = Object.assign(new Error(`network guard: ${kind} to ${target} is not allowed`), {
    code: 'ENETUNREACH',
  });
  const stack = (error.stack ?? '').split('\n').slice(2, 9).join('\n');
  const violation: NetworkViolation = { kind, target, thread: threadId, stack };
  const file = process.env[GUARD_LOG_ENV];
  if (file) fs.appendFileSync(file, JSON.stringify(violation) + '\n');
  return error;
}

/** The threads the guard was installed in, so a test can see that workers were covered. */
export function readGuardedThreads(file: string): number[] {
  const threads = `${file}.threads`;
  if (!fs.existsSync(threads)) return [];
  return fs.readFileSync(threads, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Reads what guarded processes and their workers recorded. */
export function readViolations(file: string): NetworkViolation[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as NetworkViolation);
}

type ConnectOptions = { host?: string | null; port?: number | string; path?: string | null };

function guardSockets(): void {
  const connect = net.Socket.prototype.connect;
  // net.connect passes its already-normalized [options, callback] array as the first argument.
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    let options: ConnectOptions;
    if (Array.isArray(first)) options = (first[0] ?? {}) as ConnectOptions;
    else if (first !== null && typeof first === 'object') options = first as ConnectOptions;
    else if (typeof first === 'string' && !/^\d+$/.test(first)) options = { path: first };
    else
      options = { port: first as number, host: typeof args[1] === 'string' ? args[1] : undefined };
    // As in net: any non-empty path means a local IPC socket; http passes `path: null`.
    if (!options.path) {
      const host = options.host || 'localhost';
      if (!isLoopbackHost(host)) {
        const error = blocked('connect', `${host}:${String(options.port)}`);
        process.nextTick(() => this.destroy(error));
        return this;
      }
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

const RESOLVE_METHODS = [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
  'reverse',
] as const;

type AnyFn = (...args: unknown[]) => unknown;

/** Wraps a callback-style (last argument) or promise-returning resolver method. */
function guardMethod(target: object, name: string, style: 'callback' | 'promise'): void {
  const record = target as Record<string, unknown>;
  const original = record[name];
  if (typeof original !== 'function') return;
  record[name] = function guarded(this: unknown, ...args: unknown[]) {
    const host = String(args[0]);
    if (isLoopbackHost(host)) return (original as AnyFn).apply(this, args);
    const error = Object.assign(blocked('dns', host), { code: 'ENOTFOUND', hostname: host });
    if (style === 'promise') return Promise.reject(error);
    const callback = args.at(-1);
    if (typeof callback === 'function') process.nextTick(() => (callback as AnyFn)(error));
    return undefined;
  };
}

function guardDns(): void {
  guardMethod(dns, 'lookup', 'callback');
  guardMethod(dns, 'lookupService', 'callback');
  for (const name of RESOLVE_METHODS) {
    guardMethod(dns, name, 'callback');
    guardMethod(dns.Resolver.prototype, name, 'callback');
    guardMethod(dns.promises, name, 'promise');
    guardMethod(dns.promises.Resolver.prototype, name, 'promise');
  }
  guardMethod(dns.promises, 'lookup', 'promise');
  guardMethod(dns.promises, 'lookupService', 'promise');
}

function urlOf(input: unknown): URL | null {
  try {
    if (input instanceof URL) return input;
    if (typeof input === 'string') return new URL(input);
    if (input && typeof input === 'object' && 'url' in input) return new URL(String(input.url));
  } catch {
    return null;
  }
  return null;
}

const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

function guardFetch(): void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return;
  globalThis.fetch = function guardedFetch(input, init) {
    const url = urlOf(input);
    if (url && NETWORK_SCHEMES.has(url.protocol) && !isLoopbackHost(url.hostname))
      return Promise.reject(new TypeError('fetch failed', { cause: blocked('fetch', url.href) }));
    return original(input, init);
  } as typeof fetch;

  // Node's bundled undici creates its global dispatcher when fetch is first used; a data: URL
  // loads it without a connection, so its dispatch can be wrapped for direct dispatcher users.
  original('data:,').catch(() => {});
  const dispatcher = (globalThis as Record<symbol, unknown>)[
    Symbol.for('undici.globalDispatcher.1')
  ] as { dispatch?: AnyFn } | undefined;
  const dispatch = dispatcher?.dispatch;
  if (!dispatcher || typeof dispatch !== 'function') return;
  dispatcher.dispatch = function guardedDispatch(this: unknown, ...args: unknown[]) {
    const options = args[0] as { origin?: string | URL } | undefined;
    const url = urlOf(options?.origin);
    if (url && !isLoopbackHost(url.hostname)) {
      const error = blocked('dispatch', url.href);
      const handler = args[1] as { onError?: (e: Error) => void } | undefined;
      process.nextTick(() => handler?.onError?.(error));
      return false;
    }
    return dispatch.apply(this, args);
  };
}

if (process.env[GUARD_LOG_ENV]) {
  guardSockets();
  guardDns();
  guardFetch();
  // ESM `import { lookup } from 'node:dns'` sees the guarded functions too.
  syncBuiltinESMExports();
  fs.appendFileSync(`${process.env[GUARD_LOG_ENV]}.threads`, `${threadId}\n`);
}
