// Settings' "Where the library lives" against a real S3 API (s3rver on loopback) and a real
// Azure Blob API (Azurite): a core that opens the bucket or container named in Settings with the
// secret from the secret store, and the Check.
import fs from 'node:fs';
import path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodResult } from '../../shared/contract';
import { isQuireError } from '../../shared/errors';
import { LibrarySettingsSchema, type LibrarySettings } from '../../shared/settings';
import type { QuireCore } from './quire-core';
import { createInMemoryTransport } from './rpc/in-memory-transport';
import { EncryptedFileSecretStore } from './secrets';
import { fakeSafeStorage } from './secrets/fake-safe-storage';
import { LIBRARY_SECRET_ACCOUNT } from './settings/settings-handlers';
import { openSettingsStore } from './settings/settings-store';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  startAzureServer,
  type AzureServer,
} from '../../test/helpers/azure-server';
import { makeTestCore, writeNotes } from '../../test/helpers/library-fixtures';
import { withEnv } from '../../test/helpers/process-env';
import {
  S3RVER_ACCESS_KEY,
  startS3Server,
  withS3Env,
  type S3Server,
} from '../../test/helpers/s3-server';
import { makeTempDir } from '../../test/helpers/temp-dir';

// s3rver checks the access key (S3RVER) and not the secret, so a secret of our own shows where
// it travels.
const SECRET = 'quire-library-secret-5f2c9a7e';
const safeStorage = fakeSafeStorage();

let s3: S3Server;
let restoreEnv: () => void;
let dir: string;
let remove: () => Promise<void>;
const opened: QuireCore[] = [];

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['team', 'other'] });
  // Only Settings say where the bucket is and with which key.
  restoreEnv = withS3Env({}, { clearOthers: true });
});
afterAll(async () => {
  restoreEnv();
  await s3.close();
});
beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('quire-library-settings-'));
});
afterEach(async () => {
  for (const core of opened.splice(0)) await core.close();
  await remove();
});

const inBucket = (location: string, over: Partial<LibrarySettings> = {}) =>
  LibrarySettingsSchema.parse({
    location,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    accessKeyId: S3RVER_ACCESS_KEY,
    ...over,
  });

/** A home whose Settings name `library` and whose secret store holds `secret`. */
async function home(
  name: string,
  library: LibrarySettings,
  options: Parameters<typeof makeTestCore>[1] & { secret?: string | null } = {},
) {
  const dataDir = path.join(dir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  const settings = openSettingsStore({ dataDir });
  settings.update({ ...settings.get(), library });
  const { secret = SECRET, ...rest } = options;
  if (secret)
    await new EncryptedFileSecretStore(dataDir, safeStorage).set(LIBRARY_SECRET_ACCOUNT, secret);
  const core = await makeTestCore(dataDir, { keychain: false, safeStorage, ...rest });
  opened.push(core);
  return core;
}

async function call<
  M extends
    'settings.get' | 'settings.update' | 'settings.setLibrarySecret' | 'settings.checkLibrary',
>(core: QuireCore, method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
  const result = await createInMemoryTransport(core.dispatch).invoke(method, args);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const filesUnder = (root: string): string[] =>
  fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [path.join(entry.parentPath, entry.name)] : []));

describe('a library placed in Settings', () => {
  it('opens the bucket Settings name, with the secret from the secret store, and never shows the secret', async () => {
    const core = await home('home-a', inBucket('s3://team/from-settings'));
    expect(core.libraryUri).toBe('s3://team/from-settings');
    await core.library.add(writeNotes(path.join(dir, 'docs'), 2, 'river'));
    await core.library.whenIdle();
    expect((await core.retriever.search('river', { mode: 'text', k: 5 })).hits).toHaveLength(2);
    expect(s3.requests.some((r) => r.bucket === 'team' && r.key.startsWith('from-settings/'))).toBe(
      true,
    );

    const view = await call(core, 'settings.get', {});
    expect(view.library).toEqual({
      uri: 's3://team/from-settings',
      readOnly: false,
      source: 'settings',
      secretStored: true,
      problem: null,
    });
    expect(view.secretBackend).toBe('safeStorage');
    expect(JSON.stringify(view)).not.toContain(SECRET);
    for (const file of filesUnder(core.dataDir))
      expect(fs.readFileSync(file).includes(SECRET), file).toBe(false);

    // A new place, or a new secret, is for the next start: the open library stays.
    const moved = await call(core, 'settings.update', {
      settings: { ...view.settings, library: inBucket('s3://team/elsewhere') },
    });
    expect(moved.pendingRestart).toContain('library location');
    expect(moved.library?.uri).toBe('s3://team/from-settings');
    await call(core, 'settings.update', { settings: view.settings });
    const rekeyed = await call(core, 'settings.setLibrarySecret', { secret: 'another-secret' });
    expect(rekeyed.pendingRestart).toEqual(['library access settings']);
    expect(JSON.stringify(rekeyed)).not.toContain('another-secret');
  });

  it('lets a --library flag win for its run', async () => {
    const flagged = path.join(dir, 'flagged-library');
    const core = await home('home-a', inBucket('s3://team/unused'), { library: flagged });
    expect(core.libraryUri).toBe(flagged);
    const view = await call(core, 'settings.get', {});
    expect(view.library).toMatchObject({ uri: flagged, source: 'flag' });
    expect(s3.requests.some((r) => r.key.startsWith('unused/'))).toBe(false);
  });

  it('opens read-only when Settings say another computer writes, and follows that writer', async () => {
    const writer = await home('home-a', inBucket('s3://team/shared'));
    await writer.library.add(writeNotes(path.join(dir, 'docs'), 1, 'delta'));
    await writer.library.whenIdle();
    const reader = await home('home-b', inBucket('s3://team/shared', { readOnly: true }));
    expect(reader.follower).not.toBeNull();
    const ready = () => reader.library.registry.all().filter((doc) => doc.status === 'ready');
    const started = Date.now();
    while (ready().length === 0 && Date.now() - started < 15_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ready()).toHaveLength(1);
    expect((await call(reader, 'settings.get', {})).library).toMatchObject({ readOnly: true });
  });

  it('fails to start on a library it cannot open, unless told to fall back (the app), then says why', async () => {
    const missing = await home('home-a', inBucket('s3://nobucket/q')).catch((e: unknown) => e);
    expect(isQuireError(missing) && missing.code).toBe('bucket_missing');

    const noSecret = await home('home-b', inBucket('s3://team/q'), { secret: null }).catch(
      (e: unknown) => e,
    );
    expect(isQuireError(noSecret) && noSecret.code).toBe('key_missing');

    const core = await home('home-c', inBucket('s3://nobucket/q'), { libraryFallback: true });
    expect(core.libraryUri).toBe(core.dataDir);
    const view = await call(core, 'settings.get', {});
    expect(view.library).toMatchObject({ uri: core.dataDir, source: 'default' });
    expect(view.library?.problem).toMatch(/s3:\/\/nobucket\/q\) could not be opened.*nobucket/);
    expect(view.warnings).toContain(view.library?.problem);
  });
});

describe("Settings' Check", () => {
  const check = async (core: QuireCore, args: MethodArgs<'settings.checkLibrary'>) =>
    call(core, 'settings.checkLibrary', args);

  it('tells a missing bucket, a wrong key, an empty prefix, a library, another writer and foreign objects apart', async () => {
    const core = await home('home-a', LibrarySettingsSchema.parse({}));
    s3.requests.length = 0;
    expect(await check(core, { library: inBucket('s3://nobucket/q') })).toMatchObject({
      ok: false,
      code: 'bucket_missing',
    });
    expect(
      await check(core, { library: inBucket('s3://team/q', { accessKeyId: 'NOTAKEY' }) }),
    ).toMatchObject({
      ok: false,
      code: 'storage_auth',
      message: expect.stringContaining('Check the access key ID and the secret access key'),
    });
    expect(await check(core, { library: inBucket('s3://team/empty') })).toMatchObject({
      ok: true,
      uri: 's3://team/empty',
      detail: expect.stringContaining('creates the library there'),
    });
    expect(
      await check(core, { library: inBucket('s3://team/empty', { readOnly: true }) }),
    ).toMatchObject({
      ok: false,
      code: 'not_found',
      message: expect.stringContaining('"Open read-only"'),
    });
    // Nothing was written: a Check creates no library.
    expect(s3.requests.some((r) => r.method === 'PUT')).toBe(false);

    const writer = await home('home-b', inBucket('s3://team/written'));
    expect(await check(core, { library: inBucket('s3://team/written') })).toMatchObject({
      ok: false,
      code: 'library_in_use',
      message: expect.stringContaining('Switch on "Open read-only"'),
    });
    expect(
      await check(core, { library: inBucket('s3://team/written', { readOnly: true }) }),
    ).toMatchObject({ ok: true, detail: expect.stringContaining('holds a Quire library') });
    // The writer itself checking its own library is not "another writer".
    expect(await check(writer, { library: inBucket('s3://team/written') })).toMatchObject({
      ok: true,
    });

    await s3.putObject('other', 'photos/cat.jpg', 'not a library');
    expect(await check(core, { library: inBucket('s3://other/photos') })).toMatchObject({
      ok: false,
      code: 'bucket_foreign',
    });
  });

  it('uses a secret typed but not stored yet, says when none is, and checks the address first', async () => {
    const core = await home('home-a', LibrarySettingsSchema.parse({}), { secret: null });
    expect(await check(core, { library: inBucket('s3://team/q') })).toMatchObject({
      ok: false,
      code: 'key_missing',
    });
    expect(await check(core, { library: inBucket('s3://team/q'), secret: 'typed' })).toMatchObject({
      ok: true,
    });
    expect(
      await check(core, {
        library: inBucket('s3://team/q', { endpoint: 'http://minio.lan:9000' }),
      }),
    ).toMatchObject({
      ok: false,
      code: 'invalid_argument',
      message: expect.stringContaining('"Allow plain HTTP"'),
    });
    expect(
      await check(core, {
        library: inBucket('s3://team/q', { endpoint: 'http://127.0.0.1:1' }),
        secret: 'typed',
      }),
    ).toMatchObject({ ok: false, code: 'storage_unreachable' });
    expect(await check(core, { library: LibrarySettingsSchema.parse({}) })).toMatchObject({
      ok: true,
      uri: core.dataDir,
    });
    const folder = path.join(dir, 'a-folder');
    expect(
      await check(core, { library: LibrarySettingsSchema.parse({ location: folder }) }),
    ).toMatchObject({ ok: true, detail: expect.stringContaining('creates one there') });
    expect(
      await check(core, {
        library: LibrarySettingsSchema.parse({ location: folder, readOnly: true }),
      }),
    ).toMatchObject({ ok: false, code: 'not_found' });
  });
});

describe('a library placed in an Azure container in Settings', () => {
  let azure: AzureServer;
  let restoreAzureEnv: () => void;

  beforeAll(async () => {
    azure = await startAzureServer({ containers: ['team'] });
    // Only Settings name the account, its key and its address.
    restoreAzureEnv = withEnv({}, { clearPrefix: 'AZURE_STORAGE_' });
  }, 30_000);
  afterAll(async () => {
    restoreAzureEnv?.();
    await azure?.close();
  });

  const inContainer = (location: string, over: Partial<LibrarySettings> = {}) =>
    LibrarySettingsSchema.parse({
      location,
      endpoint: azure.endpoint,
      accessKeyId: AZURITE_ACCOUNT,
      ...over,
    });
  const blobsUnder = async (prefix: string) => {
    const container = new ContainerClient(
      `${azure.endpoint}/team`,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    );
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names;
  };

  it('opens the container Settings name, with the account key from the secret store, and never shows the key', async () => {
    const core = await home('home-a', inContainer('azure://team/from-settings/'), {
      secret: AZURITE_KEY,
    });
    expect(core.libraryUri).toBe('az://team/from-settings');
    await core.library.add(writeNotes(path.join(dir, 'docs'), 2, 'river'));
    await core.library.whenIdle();
    expect((await core.retriever.search('river', { mode: 'text', k: 5 })).hits).toHaveLength(2);
    expect(await blobsUnder('from-settings/')).toContain('from-settings/quire-library.json');

    const view = await call(core, 'settings.get', {});
    expect(view.library).toEqual({
      uri: 'az://team/from-settings',
      readOnly: false,
      source: 'settings',
      secretStored: true,
      problem: null,
    });
    expect(JSON.stringify(view)).not.toContain(AZURITE_KEY);
    for (const file of filesUnder(core.dataDir))
      expect(fs.readFileSync(file).includes(AZURITE_KEY), file).toBe(false);

    // Another home's Check sees the writer; read-only, it sees the library.
    const other = await home('home-b', LibrarySettingsSchema.parse({}), { secret: AZURITE_KEY });
    expect(
      await call(other, 'settings.checkLibrary', {
        library: inContainer('az://team/from-settings'),
      }),
    ).toMatchObject({ ok: false, code: 'library_in_use' });
    expect(
      await call(other, 'settings.checkLibrary', {
        library: inContainer('az://team/from-settings', { readOnly: true }),
      }),
    ).toMatchObject({
      ok: true,
      detail: 'The container answers and az://team/from-settings holds a Quire library.',
    });
  }, 60_000);

  it('fails to start without the account key Settings need', async () => {
    const noKey = await home('home-a', inContainer('az://team/q'), { secret: null }).catch(
      (e: unknown) => e,
    );
    expect(isQuireError(noKey) && noKey.code).toBe('key_missing');
  });

  it("Checks a missing container, a wrong key, an empty prefix and a missing account in Settings' words, writing nothing", async () => {
    const core = await home('home-a', LibrarySettingsSchema.parse({}), { secret: AZURITE_KEY });
    const check = (library: LibrarySettings, secret?: string) =>
      call(core, 'settings.checkLibrary', secret ? { library, secret } : { library });
    expect(await check(inContainer('az://nocontainer/q'))).toMatchObject({
      ok: false,
      code: 'bucket_missing',
    });
    const wrongKey = Buffer.from('not the account key').toString('base64');
    expect(await check(inContainer('az://team/q'), wrongKey)).toMatchObject({
      ok: false,
      code: 'storage_auth',
      message: expect.stringContaining('Check the storage account and its account key'),
    });
    expect(await check(inContainer('az://team/empty'))).toMatchObject({
      ok: true,
      uri: 'az://team/empty',
      detail: expect.stringContaining('The container answers and az://team/empty is empty'),
    });
    expect(await check(inContainer('az://team/empty', { accessKeyId: undefined }))).toMatchObject({
      ok: false,
      code: 'invalid_argument',
      message: expect.stringContaining('type the storage account'),
    });
    expect(
      await check(inContainer('az://team/q', { endpoint: 'http://azurite.lan:10000/acct' })),
    ).toMatchObject({
      ok: false,
      code: 'invalid_argument',
      message: expect.stringContaining('"Allow plain HTTP"'),
    });
    expect(
      await check(inContainer('az://team/q', { endpoint: 'http://127.0.0.1:1/devstoreaccount1' })),
    ).toMatchObject({
      ok: false,
      code: 'storage_unreachable',
      message: expect.stringContaining('Check the blob service address'),
    });
    expect(await blobsUnder('empty/')).toEqual([]);
    expect(await blobsUnder('q/')).toEqual([]);
  }, 60_000);
});
