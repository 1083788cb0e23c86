// quire serve --host and quire users, run as a person runs them: real child processes.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../../../e2e/quire-server';
import {
  hasOpenssl,
  runQuire as quire,
  selfSignedCertificate,
  startTeamServer,
} from '../../../test/helpers/team-server';
import { makeTempDir } from '../../../test/helpers/temp-dir';

/** The loopback address of a server that listens on every interface. */
const onLoopback = (url: string) => `http://127.0.0.1:${new URL(url).port}`;

async function listStatus(base: string, token: string) {
  const response = await fetch(`${base}/api/conversations/list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: '{}',
  });
  return response.status;
}

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => ({ dir, remove } = await makeTempDir()));
afterAll(() => remove());

describe('quire serve --host', () => {
  it('refuses another address over plain HTTP before it listens, with exit code 2', async () => {
    const dataDir = path.join(dir, 'refused');
    const run = await quire('serve', '--host', '0.0.0.0', '--data', dataDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--tls-cert FILE --tls-key FILE, or add --insecure-http/);
    expect(fs.existsSync(dataDir)).toBe(false);
    const half = await quire(
      'serve',
      '--host',
      '0.0.0.0',
      '--tls-cert',
      'cert.pem',
      '--data',
      dataDir,
    );
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/go together/);
  }, 30_000);

  describe('with --insecure-http on every interface, and users added while it runs', () => {
    let server: ServerHandle;
    beforeAll(async () => {
      server = await startTeamServer({ dataDir: path.join(dir, 'team') });
    }, 90_000);
    afterAll(() => server.stop());

    it('answers on loopback, and a link printed by users add opens it until users remove', async () => {
      const base = onLoopback(server.url);
      expect(await listStatus(base, server.token)).toBe(200);

      const added = await quire(
        'users',
        'add',
        'dana',
        '--editor',
        '--json',
        '--data',
        server.dataDir,
      );
      expect(added.code).toBe(0);
      const person = JSON.parse(added.stdout) as { link: string; token: string; role: string };
      expect(person.role).toBe('editor');
      expect(person.link).toBe(`${server.url}/#token=${person.token}`);
      expect(await listStatus(base, person.token)).toBe(200);

      const again = await quire('users', 'add', 'Dana', '--data', server.dataDir);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already a user called "Dana"/);
      expect((await quire('users', 'add', '../x', '--data', server.dataDir)).stderr).toMatch(
        /not a usable name/,
      );

      const listed = await quire('users', 'list', '--json', '--data', server.dataDir);
      expect(JSON.parse(listed.stdout)).toMatchObject({
        users: [{ name: 'dana', role: 'editor' }],
      });
      expect(listed.stdout).not.toContain(person.token);

      expect((await quire('users', 'remove', 'dana', '--data', server.dataDir)).code).toBe(0);
      expect(await listStatus(base, person.token)).toBe(401);
      expect((await quire('users', 'remove', 'dana', '--data', server.dataDir)).code).toBe(1);
    }, 60_000);
  });

  it('speaks HTTPS with --tls-cert and --tls-key, and prints an https address', async (ctx) => {
    if (!hasOpenssl()) {
      console.log('openssl is not installed here: the HTTPS server was not tried');
      ctx.skip();
    }
    const tlsDir = path.join(dir, 'tls');
    fs.mkdirSync(tlsDir);
    const tls = selfSignedCertificate(tlsDir);
    const server = await startTeamServer({ dataDir: path.join(dir, 'tls-data'), tls });
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const port = Number(new URL(server.url).port);
      const status = await new Promise<number>((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/app/info',
            method: 'POST',
            ca: fs.readFileSync(tls.cert),
            headers: { authorization: `Bearer ${server.token}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(200);
      // Plain HTTP to the same port gets no answer of the API.
      await expect(listStatus(`http://127.0.0.1:${port}`, server.token)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  }, 90_000);
});
