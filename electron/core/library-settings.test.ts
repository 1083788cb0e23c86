import { describe, expect, it } from 'vitest';
import { isQuireError } from '../../shared/errors';
import { checkLibraryAddress } from '../../shared/library-address';
import { LibrarySettingsSchema, type LibrarySettings } from '../../shared/settings';
import { chooseLibrary, libraryEnv, libraryPendingRestart } from './library-settings';
import { parseLibraryLocation, type LibraryLocation } from './object-store';

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
const AZURE_ENV = {
  AZURE_STORAGE_ACCOUNT: 'envaccount',
  AZURE_STORAGE_KEY: 'env-key',
  AZURE_STORAGE_SAS_TOKEN: 'sv=2024&sig=env',
  AZURE_STORAGE_CONNECTION_STRING: 'AccountName=connaccount;AccountKey=conn-key',
  AZURE_STORAGE_ENDPOINT: 'https://envaccount.blob.core.windows.net',
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

  it("lays Settings' blob service address, storage account and account key over AZURE_STORAGE_*", async () => {
    const choice = await chooseLibrary(
      {},
      library({
        location: ' azure://team/quire/ ',
        endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
        region: 'eu west',
        accessKeyId: 'devstoreaccount1',
        readOnly: true,
      }),
      secret('account-key'),
      { ...AZURE_ENV, ...ENV },
    );
    expect(choice).toMatchObject({
      library: 'az://team/quire',
      readOnly: true,
      source: 'settings',
      followWriterMs: 3000,
    });
    expect(choice.env).toEqual({
      ...ENV,
      AZURE_STORAGE_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1',
      AZURE_STORAGE_ACCOUNT_NAME: 'devstoreaccount1',
      AZURE_STORAGE_ACCOUNT_KEY: 'account-key',
    });
    // What the core opens is Settings' account, at Settings' address, with Settings' key.
    const opened = parseLibraryLocation(choice.library!, choice.env);
    expect(opened).toMatchObject({
      kind: 'azure',
      account: 'devstoreaccount1',
      endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      credentials: { accountKey: 'account-key' },
    });
  });

  it('takes an Azure account from the environment when Settings name none, and wants the key of one they name', async () => {
    const env = await libraryEnv(library({ location: 'az://team/q' }), secret('unused'), AZURE_ENV);
    expect(env).toEqual(AZURE_ENV);
    const noKey = await chooseLibrary(
      {},
      library({ location: 'az://team/q', accessKeyId: 'team1' }),
      secret(null),
      AZURE_ENV,
    ).catch((error: unknown) => error);
    expect(isQuireError(noKey) && noKey.code).toBe('key_missing');
    expect(String(noKey)).toContain('no account key is stored');
    const badAccount = await chooseLibrary(
      {},
      library({ location: 'az://team/q', accessKeyId: 'Team_1' }),
      secret('key'),
      AZURE_ENV,
    ).catch((error: unknown) => error);
    expect(String(badAccount)).toContain("Settings' library account");
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

  // Here the core reads the account and key from the environment, as Settings' overlay sets it.
  const azureCases: [string, string | undefined, boolean, string][] = [
    ['az://team/quire', undefined, false, 'team1'],
    ['azure://team/quire', undefined, false, 'team1'],
    ['AZ://team', undefined, false, 'team1'],
    ['az://team-1/a/b/', undefined, false, 'team1'],
    ['az://Team/quire', undefined, false, 'team1'],
    ['az://team--1/quire', undefined, false, 'team1'],
    ['az://team.1/quire', undefined, false, 'team1'],
    ['az://team_1/quire', undefined, false, 'team1'],
    ['az://ab/quire', undefined, false, 'team1'],
    ['az://-team/quire', undefined, false, 'team1'],
    ['az://team-/quire', undefined, false, 'team1'],
    ['az:///quire', undefined, false, 'team1'],
    ['az://team/../x', undefined, false, 'team1'],
    ['az://team/q#x', undefined, false, 'team1'],
    ['az://team@team1/q', undefined, false, 'team1'],
    ['abfs://team@team1.dfs.core.windows.net/q', undefined, false, 'team1'],
    ['abfss://team@team1.dfs.core.windows.net/q', undefined, false, 'team1'],
    ['adl://team1.azuredatalakestore.net/q', undefined, false, 'team1'],
    ['az://team/q', undefined, false, 'Team1'],
    ['az://team/q', undefined, false, 'ab'],
    ['az://team/q', undefined, false, 'a'.repeat(25)],
    ['az://team/q', undefined, false, 'team-1'],
    ['az://team/q', 'https://team1.blob.core.windows.net', false, 'team1'],
    ['az://team/q', 'https://team1.blob.core.windows.net/', false, 'team1'],
    ['az://team/q', 'http://127.0.0.1:10000/devstoreaccount1', false, 'devstoreaccount1'],
    ['az://team/q', 'http://localhost:10000/devstoreaccount1', false, 'devstoreaccount1'],
    ['az://team/q', 'http://azurite.lan:10000/devstoreaccount1', false, 'devstoreaccount1'],
    ['az://team/q', 'http://azurite.lan:10000/devstoreaccount1', true, 'devstoreaccount1'],
    ['az://team/q', 'https://team1.blob.core.windows.net/?sv=1', false, 'team1'],
    ['az://team/q', 'https://user@team1.blob.core.windows.net', false, 'team1'],
    ['az://team/q', 'team1.blob.core.windows.net', false, 'team1'],
    ['az://team/q', 'ftp://team1.blob.core.windows.net', false, 'team1'],
    ['az://team/q', 'not a url', false, 'team1'],
  ];

  it.each(azureCases)(
    '%s with blob service address %s (allow http: %s), account %s',
    (location, endpoint, allowHttp, account) => {
      const shared = checkLibraryAddress(
        library({ location, endpoint, allowHttp, accessKeyId: account }),
      );
      const env = {
        AZURE_STORAGE_ACCOUNT_NAME: account,
        AZURE_STORAGE_ACCOUNT_KEY: 'key',
        ...(endpoint ? { AZURE_STORAGE_ENDPOINT: endpoint } : {}),
      };
      let core: LibraryLocation | null;
      try {
        core = parseLibraryLocation(location, env, { allowHttp });
      } catch (error) {
        if (!isQuireError(error) || error.code !== 'invalid_argument') throw error;
        core = null;
      }
      expect(shared.ok).toBe(core !== null);
      if (shared.ok) {
        expect(shared.address.kind).toBe('azure');
        expect(core?.kind === 'azure' && core.uri).toBe(
          shared.address.kind === 'azure' && shared.address.uri,
        );
      }
    },
  );

  it('names the field an Azure problem belongs to, and refuses Data Lake addresses with the az:// form', () => {
    const azure = (over: Partial<LibrarySettings>) =>
      checkLibraryAddress(library({ location: 'az://team/q', ...over }));
    expect(azure({ accessKeyId: 'Team' })).toMatchObject({ ok: false, field: 'account' });
    expect(azure({ endpoint: 'http://azurite.lan/acct' })).toMatchObject({
      ok: false,
      field: 'endpoint',
    });
    // The region is S3's: an Azure address ignores what was left in it.
    expect(azure({ region: 'not a region' })).toMatchObject({ ok: true });
    const lake = checkLibraryAddress(
      library({ location: 'abfss://team@acct.dfs.core.windows.net/q' }),
    );
    expect(!lake.ok && lake.message).toContain('az://container/prefix');
    const google = checkLibraryAddress(library({ location: 'gs://team/q' }));
    expect(!google.ok && google.message).toMatch(
      /s3:\/\/.*https:\/\/storage\.googleapis\.com.*HMAC/,
    );
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
