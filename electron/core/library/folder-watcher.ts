import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import chokidar, { type FSWatcher } from 'chokidar';
import { QuireError } from '../../../shared/errors';
import { isSkippedName } from './expand-paths';
import type { LibraryService } from './library-service';

const WATCH_READY_WAIT_MS = 2_000;

type AddResult = Awaited<ReturnType<LibraryService['add']>>;

/** How watched folders feed collections (see CollectionService.feedWatched). */
export type WatchedCollections = {
  setFolder: (folder: string, collectionId: string | null) => void;
  added: (files: readonly string[], result: AddResult) => Promise<void>;
};

/**
 * Keeps watched folders in sync: added and changed files are (re)indexed, deleted ones
 * removed. Changes are debounced, so a save storm or a big copy becomes one batch.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private changed = new Set<string>();
  private deleted = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly library: LibraryService,
    private readonly debounceMs = 500,
    private readonly log?: (message: string) => void,
    private readonly collections?: WatchedCollections,
  ) {}

  /** Adds files, then lets the folders' collections take in what came. */
  private async addFiles(files: string[]): Promise<void> {
    const result = await this.library.add(files);
    await this.collections?.added(files, result);
  }

  /** Restarts watching the saved folders and catches up on what changed while Quire was closed. */
  async restore(): Promise<void> {
    for (const folder of this.library.registry.watchedFolders) {
      await this.startWatcher(folder).catch((e: unknown) =>
        this.log?.(`cannot watch ${folder}: ${String(e)}`),
      );
      void this.addFiles([folder]).catch((e: unknown) =>
        this.log?.(`cannot rescan ${folder}: ${String(e)}`),
      );
    }
  }

  async watch(folder: string, collectionId?: string): Promise<string[]> {
    const resolved = path.resolve(folder);
    const stat = await fs.stat(resolved).catch(() => null);
    if (!stat?.isDirectory())
      throw new QuireError('not_found', `"${resolved}" is not a folder Quire can read.`);
    const current = this.library.registry.watchedFolders;
    const folders = current.includes(resolved)
      ? [...current]
      : this.library.setWatchedFolders([...current, resolved]);
    this.collections?.setFolder(resolved, collectionId ?? null);
    // The watcher's start-up crawl is quick for a normal folder; on a huge tree it goes on in the
    // background rather than holding up this call (the scan below queues what is there now).
    const started = this.startWatcher(resolved).catch((e: unknown) =>
      this.log?.(`cannot watch ${resolved}: ${String(e)}`),
    );
    await Promise.race([started, delay(WATCH_READY_WAIT_MS, undefined, { ref: false })]);
    await this.addFiles([resolved]);
    return folders;
  }

  async unwatch(folder: string): Promise<string[]> {
    const resolved = path.resolve(folder);
    await this.watchers.get(resolved)?.close();
    this.watchers.delete(resolved);
    this.collections?.setFolder(resolved, null);
    const current = this.library.registry.watchedFolders;
    if (!current.includes(resolved)) return [...current];
    return this.library.setWatchedFolders(current.filter((f) => f !== resolved));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
  }

  private async startWatcher(folder: string) {
    if (this.watchers.has(folder)) return;
    const watcher = chokidar.watch(folder, {
      ignoreInitial: true,
      ignored: (p) => p !== folder && isSkippedName(path.basename(p)),
      awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 100 },
    });
    watcher.on('add', (p) => this.queue(p, 'changed'));
    watcher.on('change', (p) => this.queue(p, 'changed'));
    watcher.on('unlink', (p) => this.queue(p, 'deleted'));
    // Out of inotify watches or a folder that vanished: say so, keep the rest working.
    watcher.on('error', (e) => this.log?.(`watching ${folder}: ${String(e)}`));
    this.watchers.set(folder, watcher);
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private queue(file: string, kind: 'changed' | 'deleted') {
    (kind === 'changed' ? this.changed : this.deleted).add(file);
    (kind === 'changed' ? this.deleted : this.changed).delete(file);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.debounceMs);
  }

  private async flush() {
    this.timer = null;
    const changed = [...this.changed];
    const deleted = [...this.deleted];
    this.changed.clear();
    this.deleted.clear();
    for (const file of deleted) {
      const doc = this.library.registry.byPath(file);
      if (doc) await this.library.remove(doc.id);
    }
    if (changed.length) await this.addFiles(changed);
  }
}
