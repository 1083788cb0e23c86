// Where the library lives: the data folder (the default), another folder, or a bucket. What
// belongs to one person (settings, keys, conversations) stays in the data folder either way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QuireError } from '../../shared/errors';
import { lockDataDir, type DataLock } from './data-lock';
import { ocrCacheDir } from './indexing/ocr-cache';
import { DocumentFileCopies, type RegistryView } from './library-files';
import type { DocumentRecord } from './library/document-registry';
import { lanceDir } from './library/lance-chunk-store';
import {
  JournalMirror,
  LibraryLease,
  lanceStorageOptions,
  openLibraryBucket,
  parseLibraryLocation,
  type LeaseHolder,
  type ObjectBucket,
} from './object-store';
import type { MetaFile } from './store';

/** Store metadata's object beside the tables, as `quire-store.json` sits in a LanceDB folder. */
const STORE_META_KEY = 'quire-store.json';
/** How often a writer ships its journals' new lines to the bucket. */
const SHIP_EVERY_MS = 1000;
/** How long closing may spend copying documents' files that are not in the bucket yet. */
const CLOSE_COPY_BUDGET_MS = 60_000;

export type LibraryPlace = {
  /** Local folder for the registry's and collections' journals and the uploaded copies. */
  libraryDir: string;
  /** What openStore needs: the LanceDB folder or the bucket's URI, how to reach it, and a writer's lease check. */
  store: {
    dir: string;
    bucket?: { storageOptions: Record<string, string>; metaFile: MetaFile };
    writeGuard?: () => void;
  };
  /** `s3://bucket/prefix`, `az://container/prefix`, or the folder. */
  uri: string;
  /** Brings the journals' local copies up to the bucket (a reader's follower calls it). */
  pull(): Promise<boolean>;
  /** The writer's registry, whose documents' files it copies into a bucket. */
  attach(registry: RegistryView): void;
  /** Where this home reads a document's file; a bucket's copy when the original is not here. */
  localFile(doc: DocumentRecord): Promise<string | null>;
  /** Stops shipping and the lease, after a last ship of what the library wrote. */
  close(): Promise<void>;
};

export type LibraryPlaceOptions = {
  dataDir: string;
  /** A folder, `s3://bucket/prefix` or `az://container/prefix`; default the data folder. */
  library?: string;
  readOnly?: boolean;
  /** Plain-HTTP object-store endpoints beyond loopback. */
  allowHttp?: boolean;
  env?: NodeJS.ProcessEnv;
  leaseTtlMs?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
};

/**
 * Opens the place the library lives. A folder is locked as the data folder is (the data
 * folder itself is locked by the caller). A bucket is checked, its lease taken by a writer,
 * and its journals fetched into `<data>/libraries/<bucket-prefix>` before anything reads them.
 */
export async function openLibraryPlace(options: LibraryPlaceOptions): Promise<LibraryPlace> {
  const env = options.env ?? process.env;
  const location = options.library
    ? parseLibraryLocation(options.library, env, { allowHttp: options.allowHttp })
    : { kind: 'local' as const, dir: options.dataDir };
  if (location.kind === 'local') return openFolder(location.dir, options);
  const bucket = await openLibraryBucket(location, { create: !options.readOnly });
  // A writer that lost its lease stops shipping; the store's writes fail on assertHeld().
  let shipping = !options.readOnly;
  const lease = options.readOnly
    ? null
    : await LibraryLease.acquire(
        bucket,
        {
          name: os.userInfo().username,
          host: os.hostname(),
          pid: process.pid,
        },
        {
          ...(options.leaseTtlMs ? { ttlMs: options.leaseTtlMs } : {}),
          holderGone: holderGoneFromThisHost,
          onLost: (message: string) => {
            shipping = false;
            options.log('error', message);
          },
        },
      );
  const libraryDir = path.join(options.dataDir, 'libraries', cacheName(location.uri));
  const mirrors = ['documents', 'collections'].map(
    (name) => new JournalMirror(bucket, name, path.join(libraryDir, 'library', `${name}.jsonl`)),
  );
  try {
    for (const mirror of mirrors) await mirror.pull({ keepLocalAhead: !options.readOnly });
  } catch (error) {
    await lease?.release();
    throw error;
  }
  const files = new DocumentFileCopies(
    bucket,
    path.join(libraryDir, 'files'),
    ocrCacheDir(libraryDir),
    options.log,
  );
  let registry: RegistryView | null = null;
  const ship = async () => {
    if (!shipping) return;
    for (const mirror of mirrors) await mirror.ship();
  };
  let shipped: Promise<void> = Promise.resolve();
  // Copying files runs beside the journals, so a large upload never delays readers' news.
  let copying: Promise<void> | null = null;
  const warn = (what: string) => (error: unknown) =>
    options.log('warn', `${what} failed: ${String(error)}`);
  const timer = options.readOnly
    ? null
    : setInterval(() => {
        shipped = shipped.then(ship).catch(warn("sending the library's records to the bucket"));
        if (!copying && registry && shipping)
          copying = files
            .sync(registry)
            .then(() => undefined, warn("copying the documents' files to the bucket"))
            .finally(() => (copying = null));
      }, SHIP_EVERY_MS);
  timer?.unref();
  return {
    libraryDir,
    uri: location.uri,
    store: {
      dir: location.uri,
      bucket: { storageOptions: lanceStorageOptions(location), metaFile: objectMetaFile(bucket) },
      ...(lease ? { writeGuard: () => lease.assertHeld() } : {}),
    },
    attach(view) {
      registry = view;
    },
    localFile: (doc) => files.localFile(doc),
    async pull() {
      let changed = false;
      for (const mirror of mirrors) changed = (await mirror.pull()) || changed;
      return changed;
    },
    async close() {
      if (timer) clearInterval(timer);
      await Promise.all([shipped, copying]);
      try {
        await ship();
        // A command that indexed and exits leaves the last documents' files shared too, within
        // a budget; the next writer's start copies what is left (it lists what is there).
        if (registry && shipping) {
          const left = await files
            .sync(registry, { until: Date.now() + CLOSE_COPY_BUDGET_MS })
            .catch((error: unknown) => {
              warn("copying the documents' files to the bucket")(error);
              return 0;
            });
          if (left > 0)
            options.log(
              'warn',
              `${left} documents' files are not in the bucket yet; the next writer copies them.`,
            );
        }
      } finally {
        shipping = false;
        await lease?.release();
      }
    },
  };
}

async function openFolder(dir: string, options: LibraryPlaceOptions): Promise<LibraryPlace> {
  const libraryDir = path.resolve(dir);
  const own = libraryDir === path.resolve(options.dataDir);
  let lock: DataLock | null = null;
  if (!own) {
    if (!fs.existsSync(libraryDir) && options.readOnly)
      throw new QuireError('not_found', `There is no library in ${libraryDir} yet.`);
    fs.mkdirSync(libraryDir, { recursive: true });
    // Another folder may be another data folder's library: its writer holds this same lock.
    if (!options.readOnly) lock = await lockDataDir(libraryDir);
  }
  return {
    libraryDir,
    uri: libraryDir,
    store: { dir: lanceDir(libraryDir) },
    pull: async () => false,
    attach: () => undefined,
    localFile: async (doc) => doc.path,
    close: async () => lock?.release(),
  };
}

function objectMetaFile(bucket: ObjectBucket): MetaFile {
  return {
    async read() {
      const bytes = await bucket.getBytes(STORE_META_KEY);
      return bytes ? bytes.toString('utf8') : null;
    },
    async write(text) {
      // One PUT replaces an object whole: a reader gets the old record or the new one.
      await bucket.putBytes(STORE_META_KEY, Buffer.from(text, 'utf8'));
    },
  };
}

/** A folder name for a bucket's local copy: readable, and unique per URI. */
function cacheName(uri: string): string {
  const readable = uri.replace(/^[a-z0-9]+:\/\//, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const hash = crypto.createHash('sha256').update(uri).digest('hex').slice(0, 8);
  return `${readable.slice(0, 60)}-${hash}`;
}

/**
 * A lease left by a Quire on this machine whose process is gone (killed, crashed): nothing can
 * renew it, so the next writer here need not wait for it to expire. A live process with that
 * id (even an unrelated one) keeps the lease until it expires.
 */
function holderGoneFromThisHost(holder: LeaseHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
