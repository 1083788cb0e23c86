import path from 'node:path';
import type { DuplicatePath, SkippedPath } from '../../../shared/contract';
import { isIndexingStatus, type DocumentInfo } from '../../../shared/documents';
import { toErrorShape } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { detectKind, isSupportedPath } from '../parsers';
import type { DocumentRecord, DocumentRegistry } from './document-registry';
import { deleteUpload, findTwin, hashFile, isUpload } from './duplicate-files';
import { expandPaths } from './expand-paths';
import type { LibraryEvents } from './library-events';
import { documentRow } from './library-listing';

export type AddResult = {
  added: DocumentInfo[];
  unchanged: string[];
  duplicates: DuplicatePath[];
  skipped: SkippedPath[];
};

export type IntakeDeps = {
  dataDir: string;
  registry: DocumentRegistry;
  events: LibraryEvents;
  /** Passwords to try, by document id and (preset before adding) by path; memory only. */
  passwords: Map<string, string>;
  passwordsByPath: Map<string, string>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
};

/**
 * Queues files and folders: new files, and changed ones again. A file with the bytes of a
 * document already here is a duplicate, not a second document.
 *
 * Hashing here reads a file only when it may be a duplicate (another document has its exact
 * size) or a ready document's file changed on disk; every other file is read once, by the
 * worker that parses it and hashes the same bytes.
 */
export async function addPaths(paths: string[], deps: IntakeDeps): Promise<AddResult> {
  const { registry, dataDir } = deps;
  const { files, skipped } = await expandPaths(paths, isSupportedPath, { dataDir });
  const added: DocumentInfo[] = [];
  const unchanged: string[] = [];
  const duplicates: DuplicatePath[] = [];
  const hashes = new Map<string, string | null>();
  for (const file of files) {
    const existing = registry.byPath(file.path);
    const twin = existing ? undefined : await findTwin(registry, file, hashes);
    if (twin) {
      duplicates.push({ path: file.path, documentId: twin.id, name: twin.name });
      // An uploaded copy of something already here is only clutter.
      if (isUpload(dataDir, file.path)) await deleteUpload(dataDir, file.path, deps.log);
      continue;
    }
    if (existing && (existing.status === 'ready' || isIndexingStatus(existing.status))) {
      if (
        existing.status !== 'ready' ||
        (existing.size === file.size && existing.mtimeMs === file.mtimeMs)
      ) {
        unchanged.push(file.path);
        continue;
      }
      const contentHash = await hashFile(file.path);
      if (contentHash === existing.contentHash) {
        registry.put({ ...existing, mtimeMs: file.mtimeMs });
        unchanged.push(file.path);
        continue;
      }
    }
    const now = Date.now();
    const doc: DocumentRecord = {
      id: existing?.id ?? newId('d'),
      path: file.path,
      name: path.basename(file.path),
      kind: detectKind(file.path),
      size: file.size,
      pages: existing?.pages ?? null,
      status: 'queued',
      chunks: existing?.chunks ?? 0,
      progress: null,
      error: null,
      vectorsPending: existing?.vectorsPending ?? false,
      embeddingModel: existing?.embeddingModel ?? null,
      addedAt: existing?.addedAt ?? now,
      updatedAt: now,
      contentHash: null,
      mtimeMs: file.mtimeMs,
      // A changed file stays in its collections.
      ...(existing?.collections?.length ? { collections: existing.collections } : {}),
    };
    try {
      registry.put(doc);
    } catch (error) {
      // A full disk: this file is not added; the ones before it are.
      const { code, message } = toErrorShape(error);
      skipped.push({ path: file.path, code, reason: message });
      continue;
    }
    const preset = deps.passwordsByPath.get(file.path);
    if (preset !== undefined) deps.passwords.set(doc.id, preset);
    deps.events.document(doc.id, 'document.added', { document: documentRow(doc) });
    added.push(documentRow(doc));
  }
  return { added, unchanged, duplicates, skipped };
}
