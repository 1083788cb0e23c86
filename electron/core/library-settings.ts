// Settings' "Where the library lives": which library a Quire opens, with which keys, and the
// check the Settings screen runs before the choice is saved.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LibraryStatus } from '../../shared/contract';
import { isQuireError, QuireError, type ErrorCode } from '../../shared/errors';
import { checkLibraryAddress } from '../../shared/library-address';
import type { LibrarySettings } from '../../shared/settings';
import { lanceDir } from './library/lance-chunk-store';
import { openLibraryPlace, type LibraryPlace, type LibraryPlaceOptions } from './library-place';
import {
  leaseIsLive,
  openLibraryBucket,
  parseLibraryLocation,
  readLease,
  type ObjectBucket,
} from './object-store';

/** What a Quire's caller decided for this run (the CLI's --library, --read-only, --allow-http). */
export type LibraryFlags = { library?: string; readOnly?: boolean; allowHttp?: boolean };

/** The library a Quire opens, and where that choice came from. */
export type LibraryChoice = {
  /** undefined: the data folder. */
  library: string | undefined;
  readOnly: boolean;
  allowHttp: boolean;
  /** The AWS_* or AZURE_STORAGE_* variables the bucket or container is reached with. */
  env: NodeJS.ProcessEnv;
  source: LibraryStatus['source'];
  /** How often a reader that Settings made read-only looks for its writer's changes (ms). */
  followWriterMs?: number;
};

type CheckResult =
  { ok: true; uri: string; detail: string } | { ok: false; code: ErrorCode; message: string };

/**
 * Which library to open. A `--library` flag is the whole address for that run: its endpoint,
 * region and keys come from the AWS_* (or AZURE_STORAGE_*) environment, as they always did,
 * and Settings' library is left aside. Without one, Settings' library applies: its endpoint,
 * region and keys win over those variables, and what it leaves empty comes from the
 * environment (so an AWS profile still works). --read-only and --allow-http add to Settings'
 * switches.
 */
export async function chooseLibrary(
  flags: LibraryFlags,
  settings: LibrarySettings,
  secret: () => Promise<string | null>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LibraryChoice> {
  const readOnly = flags.readOnly ?? false;
  const allowHttp = flags.allowHttp ?? false;
  if (flags.library) return { library: flags.library, readOnly, allowHttp, env, source: 'flag' };
  const checked = checkLibraryAddress(settings);
  if (!checked.ok)
    throw new QuireError(
      'invalid_argument',
      `Settings' library ${checked.field}: ${checked.message}`,
    );
  const { address } = checked;
  if (address.kind === 'default')
    return { library: undefined, readOnly, allowHttp, env, source: 'default' };
  const inBucket = address.kind === 's3' || address.kind === 'azure';
  const chosen = {
    library: inBucket ? address.uri : settings.location.trim(),
    readOnly: readOnly || settings.readOnly,
    allowHttp: allowHttp || settings.allowHttp,
    env: inBucket ? await libraryEnv(settings, secret, env) : env,
    source: 'settings' as const,
  };
  // The app (a writer by default) that Settings made a reader shows what the writer adds, as
  // `serve --read-only` does.
  const follows = settings.readOnly && !flags.readOnly;
  return follows ? { ...chosen, followWriterMs: followWriterIntervalMs(inBucket) } : chosen;
}

/**
 * How often a reader that stays open looks for its writer's changes: every 3 s in a bucket or
 * container, where each look is a LIST per journal; every second beside a local writer (two
 * stat calls).
 */
export function followWriterIntervalMs(inBucket: boolean): number {
  return inBucket ? 3000 : 1000;
}

/** The variables Settings' fields become, and their names in messages, for each service. */
const SERVICE_ENV = {
  s3: {
    endpoint: 'AWS_ENDPOINT_URL_S3',
    region: 'AWS_REGION',
    id: 'AWS_ACCESS_KEY_ID',
    secret: 'AWS_SECRET_ACCESS_KEY',
    // A pair: the environment's key, secret or session token must not mix with Settings' key.
    drop: ['AWS_SESSION_TOKEN'],
    idWords: 'access key',
    secretWords: 'secret access key',
  },
  azure: {
    endpoint: 'AZURE_STORAGE_ENDPOINT',
    region: null,
    id: 'AZURE_STORAGE_ACCOUNT_NAME',
    secret: 'AZURE_STORAGE_ACCOUNT_KEY',
    // The environment's token, connection string or other account must not mix with Settings'.
    drop: [
      'AZURE_STORAGE_SAS_TOKEN',
      'AZURE_STORAGE_CONNECTION_STRING',
      'AZURE_STORAGE_ACCOUNT',
      'AZURE_STORAGE_KEY',
    ],
    idWords: 'storage account',
    secretWords: 'account key',
  },
} as const;

/**
 * The environment overlaid with Settings' endpoint, region and keys (the secret from the
 * keychain): AWS_* variables for an s3:// library, AZURE_STORAGE_* ones for an az:// one.
 */
export async function libraryEnv(
  settings: LibrarySettings,
  secret: () => Promise<string | null>,
  env: NodeJS.ProcessEnv,
): Promise<NodeJS.ProcessEnv> {
  const checked = checkLibraryAddress(settings);
  const names = SERVICE_ENV[checked.ok && checked.address.kind === 'azure' ? 'azure' : 's3'];
  const next = { ...env };
  const endpoint = settings.endpoint?.trim();
  const region = settings.region?.trim();
  const id = settings.accessKeyId?.trim();
  if (endpoint) next[names.endpoint] = endpoint;
  if (region && names.region) next[names.region] = region;
  if (id) {
    const stored = await secret();
    if (!stored)
      throw new QuireError(
        'key_missing',
        `Settings name the ${names.idWords} ${id} for the library, but no ${names.secretWords} ` +
          'is stored for it. Add it in Settings, under "Where the library lives".',
      );
    for (const name of names.drop) delete next[name];
    next[names.id] = id;
    next[names.secret] = stored;
  }
  return next;
}

export type OpenedLibrary = {
  place: LibraryPlace;
  choice: LibraryChoice;
  /** Why Settings' library was not opened (the data folder's was); null when it was. */
  problem: string | null;
};

/**
 * Opens the chosen library. With `fallback` (the desktop app, which must start so that its
 * Settings can be fixed), a library from Settings that cannot be opened (offline, wrong keys,
 * another writer) gives way to the data folder's, and `problem` says why.
 */
export async function openChosenLibrary(
  flags: LibraryFlags & { fallback?: boolean },
  settings: LibrarySettings,
  secret: () => Promise<string | null>,
  place: Omit<LibraryPlaceOptions, 'library' | 'readOnly' | 'allowHttp' | 'env'>,
): Promise<OpenedLibrary> {
  let choice: LibraryChoice | null = null;
  try {
    choice = await chooseLibrary(flags, settings, secret);
    const opened = await openLibraryPlace({
      ...place,
      library: choice.library,
      readOnly: choice.readOnly,
      allowHttp: choice.allowHttp,
      env: choice.env,
    });
    return { place: opened, choice, problem: null };
  } catch (error) {
    if (!flags.fallback || flags.library || choice?.source === 'default') throw error;
    const problem =
      `The library set in Settings (${settings.location.trim()}) could not be opened, so ` +
      `Quire opened the one in its data folder. ${isQuireError(error) ? error.message : String(error)}`;
    place.log('error', problem);
    const readOnly = flags.readOnly ?? false;
    const fallback = await openLibraryPlace({ ...place, readOnly });
    return {
      place: fallback,
      choice: {
        library: undefined,
        readOnly,
        allowHttp: false,
        env: process.env,
        source: 'default',
      },
      problem,
    };
  }
}

/** Saved library settings that differ from those this Quire opened with (a flag is never pending). */
export function libraryPendingRestart(
  choice: LibraryChoice,
  started: LibrarySettings,
  saved: LibrarySettings,
  secretChanged: boolean,
): string[] {
  if (choice.source === 'flag') return [];
  const location = (s: LibrarySettings) => s.location.trim();
  if (location(started) !== location(saved)) return ['library location'];
  if (location(saved) === '') return [];
  const access = (s: LibrarySettings) =>
    JSON.stringify([
      s.endpoint?.trim() || '',
      s.region?.trim() || '',
      s.accessKeyId?.trim() || '',
      s.readOnly,
      s.allowHttp,
    ]);
  const keyed = (saved.accessKeyId?.trim() ?? '') !== '';
  return access(started) !== access(saved) || (secretChanged && keyed)
    ? ['library access settings']
    : [];
}

/**
 * Settings' "Check": the address, and for a bucket (or container) that it answers with these
 * keys and holds a Quire library, nothing yet (a writer creates one), or something else.
 * Nothing is written.
 */
export async function checkLibrarySettings(
  library: LibrarySettings,
  secret: () => Promise<string | null>,
  options: {
    dataDir: string;
    env?: NodeJS.ProcessEnv;
    /** The library this Quire writes, if it does: its own lease is no other writer. */
    writing?: string;
  },
): Promise<CheckResult> {
  const checked = checkLibraryAddress(library);
  if (!checked.ok) return { ok: false, code: 'invalid_argument', message: checked.message };
  const { address } = checked;
  try {
    if (address.kind === 'default')
      return {
        ok: true,
        uri: options.dataDir,
        detail: "The library stays in this computer's data folder.",
      };
    if (address.kind === 'folder') return checkFolder(address.path, library.readOnly);
    const env = await libraryEnv(library, secret, options.env ?? process.env);
    const location = parseLibraryLocation(address.uri, env, { allowHttp: library.allowHttp });
    if (location.kind === 'local') throw new Error(`${address.uri} parsed as a folder`);
    return await checkBucket(location, library.readOnly, options.writing === location.uri);
  } catch (error) {
    if (!isQuireError(error)) throw error;
    return { ok: false, code: error.code, message: inSettingsWords(error.message, library) };
  }
}

function checkFolder(input: string, readOnly: boolean): CheckResult {
  const dir = path.resolve(input.startsWith('file:') ? fileURLToPath(input) : input);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory())
    return { ok: false, code: 'invalid_argument', message: `${dir} is a file, not a folder.` };
  const holdsLibrary =
    stat !== undefined &&
    (fs.existsSync(lanceDir(dir)) || fs.existsSync(path.join(dir, 'library')));
  if (holdsLibrary) return { ok: true, uri: dir, detail: `${dir} holds a Quire library.` };
  if (readOnly)
    return {
      ok: false,
      code: 'not_found',
      message: `There is no Quire library in ${dir} yet, and a read-only Quire does not create one.`,
    };
  return {
    ok: true,
    uri: dir,
    detail: `${dir} holds no library yet: Quire creates one there when it next starts.`,
  };
}

async function checkBucket(
  location: Parameters<typeof openLibraryBucket>[0],
  readOnly: boolean,
  ours: boolean,
): Promise<CheckResult> {
  const place = location.kind === 'azure' ? 'container' : 'bucket';
  let bucket: ObjectBucket;
  try {
    bucket = await openLibraryBucket(location, { create: false });
  } catch (error) {
    if (!(isQuireError(error) && error.code === 'not_found')) throw error;
    if (readOnly)
      return {
        ok: false,
        code: 'not_found',
        message:
          `The ${place} answers, but there is no Quire library in ${location.uri} yet. Open it ` +
          'once without "Open read-only" on the computer that writes it, or check the address.',
      };
    return {
      ok: true,
      uri: location.uri,
      detail:
        `The ${place} answers and ${location.uri} is empty: Quire creates the library there ` +
        'when it next starts.',
    };
  }
  try {
    const lease = await readLease(bucket);
    const holder = lease?.lease.holder;
    if (!readOnly && lease && leaseIsLive(lease.lease) && !ours)
      return {
        ok: false,
        code: 'library_in_use',
        message:
          `${location.uri} holds a Quire library, which ${holder!.name} on ${holder!.host} is ` +
          'writing now. Switch on "Open read-only" to use it beside them.',
      };
    return {
      ok: true,
      uri: location.uri,
      detail: `The ${place} answers and ${location.uri} holds a Quire library.`,
    };
  } finally {
    bucket.close();
  }
}

/** The core's messages name the CLI's flags and variables; Settings has fields instead. */
function inSettingsWords(message: string, library: LibrarySettings): string {
  const keysFromSettings = (library.accessKeyId?.trim() ?? '') !== '';
  const endpointFromSettings = (library.endpoint?.trim() ?? '') !== '';
  const keyWords = keysFromSettings
    ? message
        .replace(
          /Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(and AWS_SESSION_TOKEN\)/,
          'Check the access key ID and the secret access key',
        )
        .replace(
          /Check AZURE_STORAGE_ACCOUNT_KEY \(or the SAS token\)/,
          'Check the storage account and its account key',
        )
    : message;
  const words = endpointFromSettings
    ? keyWords
        .replace('the endpoint address (AWS_ENDPOINT_URL_S3)', 'the endpoint')
        .replace('the endpoint address (AZURE_STORAGE_ENDPOINT)', 'the blob service address')
    : keyWords;
  return words
    .replace(
      /set AZURE_STORAGE_ACCOUNT_NAME \(or AZURE_STORAGE_CONNECTION_STRING\)/,
      'type the storage account',
    )
    .replace(/with --allow-http/g, 'with "Allow plain HTTP"')
    .replace(/without --read-only/g, 'without "Open read-only"');
}
