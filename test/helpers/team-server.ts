// A team server in tests, run as a person runs it: `quire serve --host` and `quire users` as
// real child processes of the CLI's sources.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { startQuireServer, type ServerHandle } from '../../e2e/quire-server';

/** The arguments before a command that run the CLI from its sources under tsx. */
export const QUIRE_CLI = ['--import', 'tsx', path.resolve('electron/core/cli/main.ts')];

export type QuireRun = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI without blocking this process, whose keep-alive sockets must see the server. */
export function runQuire(...args: string[]): Promise<QuireRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...QUIRE_CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What `quire users add --json` prints about the person added. */
export type AddedUser = { name: string; role: string; link: string; token: string };

/** `quire users add NAME [--editor] --json`, as the person running the server types it. */
export async function addUser(
  dataDir: string,
  name: string,
  ...flags: string[]
): Promise<AddedUser> {
  const run = await runQuire('users', 'add', name, ...flags, '--json', '--data', dataDir);
  if (run.code !== 0) throw new Error(`users add exited with ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as AddedUser;
}

/** Whether openssl is installed, which makes the certificates of the HTTPS tests. */
export const hasOpenssl = (): boolean => spawnSync('which', ['openssl']).status === 0;

/** A self-signed certificate for 127.0.0.1 and localhost, written by openssl into `dir`. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' }); // prettier-ignore
  return { cert, key };
}

/**
 * `quire serve --host 0.0.0.0` on `dataDir`: over HTTPS with `tls`, else with --insecure-http.
 * The server listens on every interface; this machine reaches it on loopback.
 */
export function startTeamServer(options: {
  dataDir: string;
  tls?: { cert: string; key: string };
}): Promise<ServerHandle> {
  const { tls } = options;
  return startQuireServer({
    dataDir: options.dataDir,
    extraArgs: [
      '--host',
      '0.0.0.0',
      ...(tls ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : ['--insecure-http']),
    ],
  });
}
