import { describe, expect, it } from 'vitest';
import { isQuireError } from '../../shared/errors';
import { checkLibraryAddress } from '../../shared/library-address';
import { LibrarySettingsSchema, type LibrarySettings } from '../../shared/settings';
import { chooseLibrary, libraryEnv, libraryPendingRestart } from './library-settings';
import { parseLibraryLocation } from './object-store';

const library = (over: Partial<LibrarySettings> = {}): LibrarySettings =>
  LibrarySettingsSchema.parse(over);
const secret = (value: string | null) => async () => value;
const ENV = {
  AWS_ACCESS_KEY_ID: 'ENVKEY',
  AWS_SECRET_ACCESS_KEY: 'env-secret',
  AWS_SESSION_TOKEN: 'env-token',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL_S3: 'https://env.example',
  HOME: '/home/me',
};

describe('which library a Quire opens', () => {
  it('takes a --library flag for its run, with the environment as it is, and leaves Settings aside', async () => {
    const choice = await chooseLibrary(
      { library: 's3://flag/lib', readOnly: true },
      library({ location: 's3://settings/lib', accessKeyId: 'SETKEY' }),
      secret('set-secret'),
      ENV,
    );
    expect(choice).toMatchObject({ library: 's3://flag/lib', readOnly: true, source: 'flag' });
    expect(choice.env).toBe(ENV);
  });

  it("opens the data folder when Settings name no place, whatever Settings' switches say", async () => {
    const choice = await chooseLibrary({}, library({ readOnly: true }), secret(null), ENV);
    expect(choice).toMatchObject({ library: undefined, readOnly: false, source: 'default' });
  });

  it("lays Settings' endpoint, region and keys over the environment, the secret from the keychain", async () => {
    const choice = await chooseLibrary(
      {},
      library({
        location: ' s3://team/quire/ ',
        endpoint: 'http://127.0.0.1:9000',
        region: 'auto',
        accessKeyId: 'SETKEY',
        readOnly: true,
      }),
      secret('set-secret'),
      ENV,
    );
    expect(choice).toMatchObject({
      library: 's3://team/quire',
      readOnly: true,
      source: 'settings',
      followWriterMs: 3000,
    });
    expect(choice.env).toMatchObject({
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
      AWS_REGION: 'auto',
      AWS_ACCESS_KEY_ID: 'SETKEY',
      AWS_SECRET_ACCESS_KEY: 'set-secret',
      HOME: '/home/me',
    });
    // The environment's session token belongs to the environment's key, not to Settings'.
    expect(choice.env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(ENV.AWS_ACCESS_KEY_ID).toBe('ENVKEY');
  });

  it('fills what Settings leave empty from the environment (an AWS profile or exported keys)', async () => {
    const env = await libraryEnv(library({ location: 's3://team/q' }), secret('unused'), ENV);
    expect(env).toEqual(ENV);
  });

  it('refuses a key id without its secret, and a bad address, naming Settings', async () => {
    const noSecret = await chooseLibrary(
      {},
      library({ location: 's3://team/q', accessKeyId: 'SETKEY' }),
      secret(null),
      ENV,
    ).catch((error: unknown) => error);
    expect(isQuireError(noSecret) && noSecret.code).toBe('key_missing');
    expect(String(noSecret)).toContain('no secret access key is stored');
    const bad = await chooseLibrary(
      {},
      library({ location: 's3://Team' }),
      secret(null),
      ENV,
    ).catch((error: unknown) => error);
    expect(isQuireError(bad) && bad.code).toBe('invalid_argument');
    expect(String(bad)).toContain("Settings' library location");
  });

  it('adds the flags --read-only and --allow-http to Settings, and a reader on its own follows nothing', async () => {
    const choice = await chooseLibrary(
      { readOnly: true, allowHttp: true },
      library({ location: '/srv/library', readOnly: true }),
      secret(null),
      ENV,
    );
    expect(choice).toMatchObject({ library: '/srv/library', readOnly: true, allowHttp: true });
    expect(choice.followWriterMs).toBeUndefined();
  });
});

describe('a library change waits for a restart', () => {
  const started = library({ location: 's3://team/q', accessKeyId: 'K' });
  const fromSettings = { library: 's3://team/q', readOnly: false, allowHttp: false, env: {} };

  it('names the location, then the access settings, then a new secret', () => {
    const choice = { ...fromSettings, source: 'settings' as const };
    expect(libraryPendingRestart(choice, started, started, false)).toEqual([]);
    expect(
      libraryPendingRestart(choice, started, { ...started, location: 's3://team/r' }, false),
    ).toEqual(['library location']);
    expect(libraryPendingRestart(choice, started, { ...started, readOnly: true }, false)).toEqual([
      'library access settings',
    ]);
    expect(libraryPendingRestart(choice, started, started, true)).toEqual([
      'library access settings',
    ]);
  });

  it('never while a --library flag decides', () => {
    const choice = { ...fromSettings, source: 'flag' as const };
    expect(libraryPendingRestart(choice, started, library({ location: '/x' }), true)).toEqual([]);
  });
});

describe("Settings' address check and the core's parser", () => {
  // Settings checks as the user types (shared/, for the renderer); the core parses at start.
  // Both must accept and refuse the same s3 addresses and endpoints.
  const cases: [string, string | undefined, boolean][] = [
    ['s3://team/quire', undefined, false],
    ['s3://team', undefined, false],
    ['s3://team.example-1/a/b/', undefined, false],
    ['s3://Team/quire', undefined, false],
    ['s3://ab/quire', undefined, false],
    ['s3://-team/quire', undefined, false],
    ['s3://team_x/q', undefined, false],
    ['s3:///quire', undefined, false],
    ['s3://team/../x', undefined, false],
    ['s3://team/q?x=1', undefined, false],
    ['gs://team/q', undefined, false],
    ['az://team/q', undefined, false],
    ['ftp://team/q', undefined, false],
    ['s3://team/q', 'https://minio.example:9000', false],
    ['s3://team/q', 'http://127.0.0.1:9000', false],
    ['s3://team/q', 'http://localhost:9000', false],
    ['s3://team/q', 'http://[::1]:9000', false],
    ['s3://team/q', 'http://minio.lan:9000', false],
    ['s3://team/q', 'http://minio.lan:9000', true],
    ['s3://team/q', 'https://minio.example/path', false],
    ['s3://team/q', 'https://user@minio.example', false],
    ['s3://team/q', 'minio.example:9000', false],
    ['s3://team/q', 'ftp://minio.example', false],
    ['s3://team/q', 'not a url', false],
  ];

  it.each(cases)('%s with endpoint %s (allow http: %s)', (location, endpoint, allowHttp) => {
    const shared = checkLibraryAddress(library({ location, endpoint, allowHttp }));
    let core: boolean;
    try {
      const env = endpoint ? { AWS_ENDPOINT_URL_S3: endpoint } : {};
      parseLibraryLocation(location, env, { allowHttp });
      core = true;
    } catch (error) {
      if (!isQuireError(error) || error.code !== 'invalid_argument') throw error;
      core = false;
    }
    expect(shared.ok).toBe(core);
    if (shared.ok && shared.address.kind === 's3') {
      const parsed = parseLibraryLocation(location, {}, { allowHttp });
      expect(parsed.kind === 's3' && parsed.uri).toBe(shared.address.uri);
    }
  });

  it('asks Settings for a full folder path, where the command line resolves a relative one', () => {
    expect(checkLibraryAddress(library({ location: 'papers/library' }))).toMatchObject({
      ok: false,
      field: 'location',
    });
    expect(checkLibraryAddress(library({ location: '/srv/quire' }))).toMatchObject({ ok: true });
    expect(checkLibraryAddress(library({ location: 'C:\\Quire' }))).toMatchObject({ ok: true });
    expect(checkLibraryAddress(library({ location: 'file:///srv/quire' }))).toMatchObject({
      ok: true,
    });
  });

  it('says how to allow plain http in Settings, not with a flag', () => {
    const check = checkLibraryAddress(
      library({ location: 's3://team/q', endpoint: 'http://minio.lan:9000' }),
    );
    expect(check).toMatchObject({ ok: false, field: 'endpoint' });
    expect(!check.ok && check.message).toContain('"Allow plain HTTP"');
  });
});
