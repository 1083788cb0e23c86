import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QuireError } from '../../../shared/errors';
import { SETTINGS_VERSION, SettingsSchema, type Settings } from '../../../shared/settings';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import {
  confSettingsBackend,
  openSettingsStore,
  type SettingsBackendOptions,
} from './settings-store';

let dataDir: string;
let remove: () => Promise<void>;
let warnings: string[];

beforeEach(async () => {
  ({ dir: dataDir, remove } = await makeTempDir('quire-settings-'));
  warnings = [];
});
afterEach(() => remove());

const settingsFile = () => path.join(dataDir, 'settings.json');
const open = () => openSettingsStore({ dataDir, warn: (m) => warnings.push(m) });
const readDisk = () => JSON.parse(fs.readFileSync(settingsFile(), 'utf8')) as unknown;
const defaults = () => SettingsSchema.parse({});
const backups = () => fs.readdirSync(dataDir).filter((f) => f.startsWith('settings.corrupt-'));

function withTopK(settings: Settings, topK: number): Settings {
  return { ...settings, retrieval: { ...settings.retrieval, topK } };
}

describe('migrations', () => {
  it('migrates an unversioned (v0) settings file on disk and saves it as the current version', () => {
    const v0 = {
      providerKind: 'ollama',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.2',
      chunkSize: 512,
      topK: 9,
      indexing: { maxFileMb: 50 },
    };
    fs.writeFileSync(settingsFile(), JSON.stringify(v0));

    const store = open();

    const expected = SettingsSchema.parse({
      version: SETTINGS_VERSION,
      provider: { kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
      retrieval: { chunkTokens: 512, topK: 9 },
      indexing: { maxFileMb: 50 },
    });
    expect(store.get()).toEqual(expected);
    expect(readDisk()).toEqual(expected);
    expect(warnings).toEqual([]);
    expect(backups()).toEqual([]);
    // A second open finds nothing left to migrate and reads the same values.
    expect(open().get()).toEqual(expected);
  });

  it('migrates a v0 embedded-model file and fills defaults it never had', () => {
    fs.writeFileSync(
      settingsFile(),
      JSON.stringify({ providerKind: 'embedded', modelPath: '/models/tiny.gguf' }),
    );
    const settings = open().get();
    expect(settings.provider).toEqual({ kind: 'embedded', modelPath: '/models/tiny.gguf' });
    expect(settings.retrieval).toEqual(defaults().retrieval);
    expect(readDisk()).toMatchObject({ version: SETTINGS_VERSION });
  });

  it('reads a version 1 file from before the MCP setting with indexing through MCP off', () => {
    const { mcp: _mcp, ...before } = withTopK(defaults(), 7);
    fs.writeFileSync(settingsFile(), JSON.stringify(before));

    const settings = open().get();

    expect(SETTINGS_VERSION).toBe(1);
    expect(settings.mcp).toEqual({ allowIndexing: false });
    expect(settings.retrieval.topK).toBe(7);
    expect(readDisk()).toMatchObject({ version: 1, mcp: { allowIndexing: false } });
  });

  it('keeps indexing through MCP once the user allowed it', () => {
    const store = open();
    store.update({ ...store.get(), mcp: { allowIndexing: true } });
    expect(open().get().mcp.allowIndexing).toBe(true);
    expect(() => store.update({ ...store.get(), mcp: { allowIndexing: 'yes' } })).toThrow(
      QuireError,
    );
  });

  it('leaves a current file untouched (byte for byte) when it needs no migration', () => {
    const text = `${JSON.stringify(withTopK(defaults(), 4), null, 2)}\n`;
    fs.writeFileSync(settingsFile(), text);
    const before = fs.statSync(settingsFile()).mtimeMs;
    expect(open().get().retrieval.topK).toBe(4);
    expect(fs.readFileSync(settingsFile(), 'utf8')).toBe(text);
    expect(fs.statSync(settingsFile()).mtimeMs).toBe(before);
  });
});

describe('a settings file that cannot be used', () => {
  it('is backed up beside, byte for byte, then reset to defaults with a warning', () => {
    const broken = '{"version": 1, "provider": {"kind": "ollama", "mod';
    fs.writeFileSync(settingsFile(), broken);

    const store = open();

    expect(store.get()).toEqual(defaults());
    expect(readDisk()).toEqual(defaults());
    const [backup] = backups();
    expect(backup).toMatch(/^settings\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
    expect(fs.readFileSync(path.join(dataDir, backup!), 'utf8')).toBe(broken);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not valid JSON');
    expect(warnings[0]).toContain(path.join(dataDir, backup!));
    expect(store.warnings).toEqual(warnings);
  });

  it('treats out-of-range values and a file from a newer version the same way', () => {
    fs.writeFileSync(settingsFile(), JSON.stringify(withTopK(defaults(), 999)));
    expect(open().get()).toEqual(defaults());
    expect(warnings[0]).toContain('retrieval.topK');

    fs.writeFileSync(settingsFile(), JSON.stringify({ ...defaults(), version: 99 }));
    expect(open().get()).toEqual(defaults());
    expect(warnings[1]).toContain('newer Quire');
    expect(backups()).toHaveLength(2);
  });

  it('keeps every backup when the same instant repeats', () => {
    const now = () => Date.UTC(2025, 0, 2, 3, 4, 5);
    for (const text of ['not json', '[1, 2]']) {
      fs.writeFileSync(settingsFile(), text);
      openSettingsStore({ dataDir, now, warn: (m) => warnings.push(m) });
    }
    expect(backups().sort()).toEqual([
      'settings.corrupt-2025-01-02T03-04-05-000Z-2.json',
      'settings.corrupt-2025-01-02T03-04-05-000Z.json',
    ]);
    expect(warnings[1]).toContain('does not hold a settings object');
  });
});

describe('saving', () => {
  it('persists values across reopening', () => {
    const store = open();
    expect(fs.existsSync(settingsFile())).toBe(false);
    const next: Settings = {
      ...withTopK(defaults(), 12),
      provider: { kind: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', model: 'local' },
    };
    expect(store.update(next)).toEqual(next);

    expect(open().get()).toEqual(next);
    expect(readDisk()).toEqual(next);
    // Private to the user: keys are not in here, but the provider and model are.
    expect(fs.statSync(settingsFile()).mode & 0o777).toBe(0o600);
  });

  it('rejects invalid values with a typed error and keeps the stored ones', () => {
    const store = open();
    store.update(withTopK(defaults(), 7));
    const onDisk = fs.readFileSync(settingsFile(), 'utf8');
    const changes: Settings[] = [];
    store.onChange((next) => changes.push(next));

    const attempt = () =>
      store.update({ ...defaults(), retrieval: { ...defaults().retrieval, chunkTokens: 5 } });
    expect(attempt).toThrow(QuireError);
    try {
      attempt();
    } catch (error) {
      expect((error as QuireError).code).toBe('invalid_argument');
      expect((error as QuireError).message).toContain('retrieval.chunkTokens');
    }
    expect(() => store.update({ provider: { kind: 'ollama' } })).toThrow(/provider\.model/);

    expect(store.get().retrieval.topK).toBe(7);
    expect(fs.readFileSync(settingsFile(), 'utf8')).toBe(onDisk);
    expect(changes).toEqual([]);
  });

  it('tells listeners about real changes only, until they unsubscribe', () => {
    const store = open();
    const seen: [number, number][] = [];
    const stop = store.onChange((next, previous) =>
      seen.push([previous.retrieval.topK, next.retrieval.topK]),
    );
    store.update(withTopK(defaults(), 3));
    store.update(withTopK(defaults(), 3));
    store.update(withTopK(defaults(), 4));
    stop();
    store.update(withTopK(defaults(), 5));
    expect(seen).toEqual([
      [6, 3],
      [3, 4],
    ]);
  });
});

describe('backends', () => {
  it('hands the injected backend the data folder and the shared file name', () => {
    const requested: SettingsBackendOptions[] = [];
    const store = openSettingsStore({
      dataDir,
      backend: (options) => {
        requested.push(options);
        return confSettingsBackend(options);
      },
    });
    expect(requested).toMatchObject([{ cwd: dataDir, name: 'settings' }]);
    expect(store.path).toBe(settingsFile());
    store.update(withTopK(defaults(), 11));
    // What one backend wrote, another reads: the app and headless mode share the file.
    expect(open().get().retrieval.topK).toBe(11);
    expect(fs.readFileSync(settingsFile(), 'utf8')).toMatch(/^\{\n {2}"version": 1,/);
  });
});
