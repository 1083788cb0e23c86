import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS_VERSION, SettingsSchema, type Settings } from '../../../shared/settings';

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/** Each entry upgrades settings written by that version to the next one. */
const MIGRATIONS: Record<number, Migration> = {
  // v0 (unversioned) kept the provider flat and called the chunk budget "chunkSize".
  0: (old) => {
    const { providerKind, modelPath, baseUrl, model, chunkSize, topK, ...rest } = old as Record<
      string,
      unknown
    >;
    const provider =
      providerKind === 'embedded'
        ? { kind: 'embedded', modelPath }
        : providerKind
          ? { kind: providerKind, baseUrl, model }
          : { kind: 'none' };
    return {
      ...rest,
      version: 1,
      provider,
      retrieval: { ...(chunkSize ? { chunkTokens: chunkSize } : {}), ...(topK ? { topK } : {}) },
    };
  },
};

export function migrateSettings(raw: unknown): Settings {
  let value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  let version = typeof value.version === 'number' ? value.version : 0;
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) break;
    value = step(value);
    version = typeof value.version === 'number' ? value.version : version + 1;
  }
  return SettingsSchema.parse(value);
}

/**
 * Settings in one JSON file (headless mode; the app uses electron-store over the same
 * schema). A corrupt file is backed up and replaced by defaults with a warning; it never
 * stops Quire from starting.
 */
export class SettingsFile {
  private current: Settings;
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.file = path.join(dataDir, 'settings.json');
    this.current = this.load();
  }

  get(): Settings {
    return this.current;
  }

  update(next: Settings): Settings {
    this.current = SettingsSchema.parse(next);
    const temp = `${this.file}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(this.current, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, this.file);
    return this.current;
  }

  private load(): Settings {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return SettingsSchema.parse({});
    }
    try {
      const migrated = migrateSettings(JSON.parse(text));
      if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(migrated)) this.update(migrated);
      return migrated;
    } catch (error) {
      const backup = `${this.file}.corrupt-${Date.now()}`;
      fs.copyFileSync(this.file, backup);
      this.warn(
        `settings file was unreadable (${error instanceof Error ? error.message : String(error)}); saved it as ${backup} and started with defaults`,
      );
      return this.update(SettingsSchema.parse({}));
    }
  }
}
