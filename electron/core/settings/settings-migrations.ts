import { SETTINGS_VERSION, SettingsSchema, type Settings } from '../../../shared/settings';

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/**
 * Each entry upgrades settings written at that `version` to the next one.
 *
 * Why our own list rather than conf's `migrations` option: conf keys migrations by the
 * app's semver and records progress in a hidden `__internal__` key. electron-store takes
 * that version from Electron's app.getVersion() while headless mode would have to pass
 * its own, so the two runtimes could disagree about one shared file. The file's format
 * changes far less often than the app's version, and a plain `version` number inside
 * the file says exactly which format it is, whoever wrote it.
 */
const MIGRATIONS: Record<number, Migration> = {
  // v0 (unversioned) kept the provider flat and called the chunk budget "chunkSize".
  0: (old) => {
    const { providerKind, modelPath, baseUrl, model, chunkSize, topK, ...rest } = old;
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

/** Thrown when stored settings cannot be read as any known version. */
export class UnreadableSettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableSettingsError';
  }
}

/** Brings stored settings of any known version up to date and validates them. */
export function migrateSettings(raw: unknown): Settings {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UnreadableSettingsError('the file does not hold a settings object');
  let value = raw as Record<string, unknown>;
  const stored = value.version ?? 0;
  if (typeof stored !== 'number' || !Number.isInteger(stored) || stored < 0)
    throw new UnreadableSettingsError(`unknown settings version ${JSON.stringify(stored)}`);
  let version = stored;
  if (version > SETTINGS_VERSION)
    throw new UnreadableSettingsError(
      `the file was written by a newer Quire (settings version ${version}; this one reads up to ${SETTINGS_VERSION})`,
    );
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new UnreadableSettingsError(`no migration from settings version ${version}`);
    value = step(value);
    version = typeof value.version === 'number' ? value.version : version + 1;
  }
  const parsed = SettingsSchema.safeParse(value);
  if (!parsed.success)
    throw new UnreadableSettingsError(`invalid values (${describeIssues(parsed.error.issues)})`, {
      cause: parsed.error,
    });
  return parsed.data;
}

export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]) {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'settings'}: ${i.message}`)
    .join('; ');
}
