import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import { QuireError } from '../../../shared/errors';
import { SettingsSchema, type Settings } from '../../../shared/settings';
import { describeIssues, migrateSettings } from './settings-migrations';

/** The settings port: one validated `Settings` object, persisted, with change listeners. */
export interface SettingsStore {
  /** The settings file on disk. */
  readonly path: string;
  /** Problems met while opening (a corrupt file that was reset), for the user to see. */
  readonly warnings: readonly string[];
  get(): Settings;
  /** Replaces the settings; invalid values throw `invalid_argument` and nothing changes. */
  update(next: unknown): Settings;
  onChange(listener: (next: Settings, previous: Settings) => void): () => void;
}

/** The part of conf the store uses; electron-store extends conf, so it fits as well. */
export type SettingsBackend = {
  readonly path: string;
  store: Record<string, unknown>;
};

/** What the store asks of a backend: a plain file in `cwd`, written atomically. */
export type SettingsBackendOptions = {
  cwd: string;
  /** File name without the `.json` extension. */
  name: string;
  clearInvalidConfig: boolean;
  accessPropertiesByDotNotation: boolean;
  configFileMode: number;
  serialize: (value: Record<string, unknown>) => string;
};

export type SettingsBackendFactory = (options: SettingsBackendOptions) => SettingsBackend;

/** Headless mode (CLI, `serve`, tests): conf itself. */
export const confSettingsBackend: SettingsBackendFactory = ({ name, ...options }) =>
  new Conf<Record<string, unknown>>({ ...options, configName: name, fileExtension: 'json' });

export const SETTINGS_FILE_NAME = 'settings';

export type OpenSettingsOptions = {
  dataDir: string;
  /** The app injects electron-store here; headless mode uses conf. */
  backend?: SettingsBackendFactory;
  warn?: (message: string) => void;
  now?: () => number;
};

type FileState =
  | { kind: 'missing' }
  | { kind: 'readable'; settings: Settings; upToDate: boolean }
  | { kind: 'corrupt'; reason: string };

function inspectFile(file: string): FileState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: `cannot read it (${(error as Error).message})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `it is not valid JSON (${(error as Error).message})` };
  }
  try {
    const settings = migrateSettings(raw);
    return {
      kind: 'readable',
      settings,
      upToDate: JSON.stringify(raw) === JSON.stringify(settings),
    };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
}

/** `settings.corrupt-2024-05-01T10-00-00-000Z.json`: beside the original, sortable, never overwritten. */
function backupPath(file: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  const base = path.join(path.dirname(file), `${SETTINGS_FILE_NAME}.corrupt-${stamp}`);
  let candidate = `${base}.json`;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${base}-${n}.json`;
  return candidate;
}

/**
 * Opens `<dataDir>/settings.json`. Old versions are migrated and saved; a file that cannot
 * be read is copied aside before anything writes to it, then reset to defaults with a
 * warning. Opening never throws for a bad file, so Quire always starts.
 *
 * Validation is zod's alone (shared/settings.ts): conf's JSON-schema option would be a
 * second schema to keep in step.
 */
export function openSettingsStore(options: OpenSettingsOptions): SettingsStore {
  const file = path.join(options.dataDir, `${SETTINGS_FILE_NAME}.json`);
  const warnings: string[] = [];
  const state = inspectFile(file);
  if (state.kind === 'corrupt') {
    const backup = backupPath(file, (options.now ?? Date.now)());
    try {
      fs.copyFileSync(file, backup, fs.constants.COPYFILE_EXCL);
      warnings.push(
        `The settings file could not be used (${state.reason}). It was saved as ${backup} and Quire started with default settings.`,
      );
    } catch (error) {
      warnings.push(
        `The settings file could not be used (${state.reason}) nor copied aside (${(error as Error).message}). Quire started with default settings.`,
      );
    }
  }
  for (const warning of warnings) options.warn?.(warning);

  const backend = (options.backend ?? confSettingsBackend)({
    cwd: options.dataDir,
    name: SETTINGS_FILE_NAME,
    // The file was already checked and backed up; a file broken since then opens as empty.
    clearInvalidConfig: true,
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
    // Two-space JSON like every other file Quire writes, and readable by older versions.
    serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
  });

  let current = state.kind === 'readable' ? state.settings : SettingsSchema.parse({});
  if (state.kind === 'corrupt' || (state.kind === 'readable' && !state.upToDate))
    backend.store = { ...current };

  const listeners = new Set<(next: Settings, previous: Settings) => void>();
  return {
    path: backend.path,
    warnings,
    get: () => current,
    update(next) {
      const parsed = SettingsSchema.safeParse(next);
      if (!parsed.success)
        throw new QuireError(
          'invalid_argument',
          `Invalid settings: ${describeIssues(parsed.error.issues)}`,
        );
      const previous = current;
      try {
        backend.store = { ...parsed.data };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC')
          throw new QuireError('disk_full', 'The disk is full: the settings were not saved.', {
            cause: error,
          });
        throw error;
      }
      current = parsed.data;
      if (JSON.stringify(previous) === JSON.stringify(current)) return current;
      for (const listener of listeners) {
        try {
          listener(current, previous);
        } catch (error) {
          options.warn?.(`a settings listener failed: ${(error as Error).message}`);
        }
      }
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
