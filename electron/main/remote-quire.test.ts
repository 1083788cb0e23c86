// Reading a person's link and checking a Quire server, against a real `quire serve` over
// loopback, people added with the real `quire users add`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../../e2e/quire-server';
import {
  addUser,
  hasOpenssl,
  QUIRE_CLI,
  selfSignedCertificate,
  startTeamServer,
} from '../../test/helpers/team-server';
import { makeTempDir } from '../../test/helpers/temp-dir';
import { checkRemoteQuire, parseServerLink, remotePageUrl } from './remote-quire';

/** A little server that is not Quire, answering every request with `answer`. */
async function foreignServer(answer: (res: http.ServerResponse) => void) {
  const server = http.createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const loopbackOf = (url: string) => `http://127.0.0.1:${new URL(url).port}`;

describe('parseServerLink', () => {
  it('reads the link quire users add prints, and keeps its origin', () => {
    expect(parseServerLink('  https://quire.example.com:8443/#token=abcDEF_123-xyz \n')).toEqual({
      ok: true,
      value: {
        url: 'https://quire.example.com:8443',
        host: 'quire.example.com:8443',
        token: 'abcDEF_123-xyz',
      },
    });
    // No scheme typed: https is meant.
    expect(parseServerLink('quire.example.com/#token=abcdefgh')).toMatchObject({
      ok: true,
      value: { url: 'https://quire.example.com' },
    });
  });

  it('takes the token typed apart over one in the address', () => {
    expect(parseServerLink('https://q.example.org', 'secret-token-1')).toMatchObject({
      ok: true,
      value: { url: 'https://q.example.org', token: 'secret-token-1' },
    });
    expect(parseServerLink('https://q.example.org/#token=old-token', 'new-token-2')).toMatchObject({
      ok: true,
      value: { token: 'new-token-2' },
    });
  });

  it('refuses what is not a usable address or carries no token', () => {
    const code = (text: string, token?: string) => {
      const parsed = parseServerLink(text, token);
      return parsed.ok ? 'ok' : parsed.error.code;
    };
    expect(code('https://q.example.org/')).toBe('invalid_link');
    expect(code('ftp://q.example.org/#token=abcdefgh')).toBe('invalid_link');
    expect(code('https://me:pw@q.example.org/#token=abcdefgh')).toBe('invalid_link');
    expect(code('https://q.example.org/#token=short')).toBe('invalid_link');
    expect(code('not an address at all')).toBe('invalid_link');
  });

  it('refuses plain http to another machine, and allows it on loopback', () => {
    const refused = parseServerLink('http://192.168.1.20:8443/#token=abcdefghij');
    expect(refused).toMatchObject({ ok: false, error: { code: 'insecure_http' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/in clear/);
    expect(parseServerLink('http://127.0.0.1:4123/#token=abcdefghij').ok).toBe(true);
    expect(parseServerLink('http://localhost:4123/#token=abcdefghij').ok).toBe(true);
    expect(parseServerLink('http://[::1]:4123/#token=abcdefghij').ok).toBe(true);
  });

  it('gives the page to load with the token in its fragment, which no request carries', () => {
    expect(remotePageUrl({ url: 'https://q.example.org', token: 'a+b/c' })).toBe(
      'https://q.example.org/#token=a%2Bb%2Fc',
    );
  });
});

describe('checkRemoteQuire against a real quire serve', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let server: ServerHandle;
  let alice: { link: string; token: string };
  let bob: { link: string; token: string };

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
    server = await startTeamServer({ dataDir: path.join(dir, 'team') });
    alice = await addUser(server.dataDir, 'alice');
    bob = await addUser(server.dataDir, 'bob', '--editor');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await remove();
  });

  it('names the person whose token it is, and their role', async () => {
    const base = loopbackOf(server.url);
    const asAlice = await checkRemoteQuire({ url: base, token: alice.token });
    expect(asAlice).toMatchObject({
      ok: true,
      value: { url: base, name: 'alice', role: 'viewer', host: new URL(base).host },
    });
    expect(await checkRemoteQuire({ url: base, token: bob.token })).toMatchObject({
      ok: true,
      value: { name: 'bob', role: 'editor' },
    });
    expect(await checkRemoteQuire({ url: base, token: server.token })).toMatchObject({
      ok: true,
      value: { name: 'owner', role: 'owner' },
    });
  });

  it('reads the printed link whole, but not over plain http to this machine’s outward address', async () => {
    const printed = parseServerLink(alice.link);
    const host = new URL(alice.link).hostname;
    if (host === '127.0.0.1' || host === 'localhost') expect(printed.ok).toBe(true);
    else expect(printed).toMatchObject({ ok: false, error: { code: 'insecure_http' } });
    // The same link on loopback is fine, and checks out.
    const local = parseServerLink(`${loopbackOf(server.url)}/${new URL(alice.link).hash}`);
    expect(local.ok).toBe(true);
    if (local.ok) expect((await checkRemoteQuire(local.value)).ok).toBe(true);
  });

  it('says unauthorized for a wrong token and for a removed person', async () => {
    const base = loopbackOf(server.url);
    const wrong = await checkRemoteQuire({ url: base, token: 'not-the-right-token' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const carol = await addUser(server.dataDir, 'carol');
    expect((await checkRemoteQuire({ url: base, token: carol.token })).ok).toBe(true);
    execFileSync(process.execPath, [
      ...QUIRE_CLI,
      'users',
      'remove',
      'carol',
      '--data',
      server.dataDir,
    ]);
    expect(await checkRemoteQuire({ url: base, token: carol.token })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  }, 60_000);

  it('never sends a token over plain http to another machine', async () => {
    const asked: string[] = [];
    const result = await checkRemoteQuire(
      { url: 'http://10.1.2.3:8443', token: alice.token },
      {
        fetch: async (url) => {
          asked.push(url);
          throw new Error('must not be called');
        },
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'insecure_http' } });
    expect(asked).toEqual([]);
  });
});

describe('checkRemoteQuire when the address is not a working Quire', () => {
  it('says unreachable when nothing listens, or nothing answers in time', async () => {
    const closed = await foreignServer(() => {});
    await closed.close();
    expect(await checkRemoteQuire({ url: closed.url, token: 'abcdefgh' })).toMatchObject({
      ok: false,
      error: { code: 'unreachable' },
    });
    const silent = await foreignServer(() => {});
    try {
      const result = await checkRemoteQuire(
        { url: silent.url, token: 'abcdefgh' },
        { timeoutMs: 300 },
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'unreachable' } });
      if (!result.ok) expect(result.error.message).toMatch(/did not answer within 0.3 s/);
    } finally {
      await silent.close();
    }
  });

  it('says not_quire for a web page, an error, another JSON API, or a redirect', async () => {
    const answers: ((res: http.ServerResponse) => void)[] = [
      (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Hello</h1>'),
      (res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}'),
      (res) => res.writeHead(200).end(JSON.stringify({ ok: true, value: { name: 'Other' } })),
      (res) => res.writeHead(302, { location: 'https://elsewhere.example/' }).end(),
    ];
    for (const answer of answers) {
      const foreign = await foreignServer(answer);
      try {
        expect(await checkRemoteQuire({ url: foreign.url, token: 'abcdefgh' })).toMatchObject({
          ok: false,
          error: { code: 'not_quire' },
        });
      } finally {
        await foreign.close();
      }
    }
  });

  it('says untrusted_certificate for a team server with a self-signed certificate', async (ctx) => {
    if (!hasOpenssl()) {
      console.log('openssl is not installed here: the HTTPS server was not tried');
      ctx.skip();
    }
    const { dir, remove } = await makeTempDir();
    const tls = selfSignedCertificate(dir);
    const server = await startTeamServer({ dataDir: path.join(dir, 'tls-data'), tls });
    try {
      expect(fs.existsSync(tls.cert)).toBe(true);
      const url = `https://127.0.0.1:${new URL(server.url).port}`;
      const result = await checkRemoteQuire({ url, token: server.token });
      expect(result).toMatchObject({ ok: false, error: { code: 'untrusted_certificate' } });
      if (!result.ok) expect(result.error.message).toMatch(/not trusted by this computer/);
    } finally {
      await server.stop();
      await remove();
    }
  }, 120_000);
});
