import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentRegistry, DocumentRecord } from './document-registry';

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A document with this file's exact bytes under another path, whose file is still there.
 * Only documents of the same size are candidates, so most files are not even hashed.
 * `hashes` caches the hashes computed during one add.
 */
export async function findTwin(
  registry: DocumentRegistry,
  file: { path: string; size: number },
  hashes: Map<string, string | null>,
): Promise<DocumentRecord | undefined> {
  const candidates = registry.withSize(file.size).filter((d) => d.path !== file.path);
  if (candidates.length === 0) return undefined;
  const hashOf = async (p: string, known: string | null = null) => {
    if (known) return known;
    if (!hashes.has(p)) hashes.set(p, await hashFile(p).catch(() => null));
    return hashes.get(p)!;
  };
  const mine = await hashOf(file.path);
  if (mine === null) return undefined;
  for (const doc of candidates) {
    if ((await hashOf(doc.path, doc.contentHash)) !== mine) continue;
    if (fs.existsSync(doc.path)) return doc;
  }
  return undefined;
}

/** Where files dropped on the browser interface are saved before they are added. */
export function uploadsDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'uploads');
}

export function isUpload(dataDir: string, file: string): boolean {
  const relative = path.relative(uploadsDir(dataDir), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Uploads live in a folder of their own (`uploads/<random>/<name>`): both go. */
export async function deleteUpload(
  dataDir: string,
  file: string,
  log?: (level: 'warn', message: string) => void,
): Promise<void> {
  const folder = path.dirname(file);
  const target = path.dirname(folder) === uploadsDir(dataDir) ? folder : file;
  await fs.promises.rm(target, { recursive: true, force: true }).catch((error: unknown) => {
    log?.('warn', `could not delete the uploaded copy ${file}: ${String(error)}`);
  });
}
