import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export type ServerHandle = {
  url: string;
  openUrl: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  stop: () => Promise<void>;
};

/** Starts `quire serve` as a real child process, as a user would. */
export async function startQuireServer(
  options: {
    dataDir?: string;
    port?: number;
    token?: string;
    extraArgs?: string[];
    /** A bundled CLI (esbuild's output) to run instead of the sources under tsx. */
    cliBundle?: string;
  } = {},
): Promise<ServerHandle> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-'));
  const entry = options.cliBundle
    ? [path.resolve(options.cliBundle)]
    : ['--import', 'tsx', path.resolve('electron/core/cli/main.ts')];
  const args = [...entry, 'serve', '--json', '--data', dataDir];
  if (options.port) args.push('--port', String(options.port));
  if (options.token) args.push('--token', options.token);
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const first = await new Promise<{ url: string; api: string; token: string }>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('quire serve did not start in time')),
        60_000,
      );
      child.once('exit', (code) => reject(new Error(`quire serve exited with ${code}`)));
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; api: string; token: string });
      });
    },
  );
  lines.on('line', () => {}); // keep draining the event lines
  return {
    url: first.api,
    openUrl: first.url,
    token: first.token,
    dataDir,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
