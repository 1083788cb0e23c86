import fs from 'node:fs/promises';
import path from 'node:path';
import type { SkippedPath } from '../../../shared/contract';

export type FoundFile = { path: string; size: number; mtimeMs: number };

const isHidden = (name: string) =>
  name.startsWith('.') || name === 'desktop.ini' || name === 'Thumbs.db';

/** Folders that software fills with thousands of files nobody means to chat with. */
const SOFTWARE_FOLDERS = new Set([
  'node_modules',
  'bower_components',
  '__pycache__',
  'site-packages',
]);

/** Whether a folder scan or a folder watch leaves this entry out (the folder asked for never is). */
export function isSkippedName(name: string): boolean {
  return isHidden(name) || SOFTWARE_FOLDERS.has(name);
}

/**
 * Expands files and folders (recursively) into the files Quire can index. Hidden and
 * unsupported entries are skipped with a reason; folder symlink loops are not followed.
 */
export async function expandPaths(
  inputs: string[],
  isSupported: (file: string) => boolean,
  options: { dataDir?: string } = {},
): Promise<{ files: FoundFile[]; skipped: SkippedPath[] }> {
  // Quire's own data folder (LanceDB files, uploaded copies) is never a document source.
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : null;
  const files: FoundFile[] = [];
  const skipped: SkippedPath[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  async function visit(target: string, explicit: boolean): Promise<void> {
    const name = path.basename(target);
    if (!explicit && isHidden(name)) {
      skipped.push({
        path: target,
        code: 'hidden_file',
        reason: 'Hidden files and folders are skipped.',
      });
      return;
    }
    if (!explicit && SOFTWARE_FOLDERS.has(name)) {
      skipped.push({
        path: target,
        code: 'hidden_file',
        reason: `Software folders such as ${name} are skipped; add it directly to index it.`,
      });
      return;
    }
    if (dataDir && path.resolve(target) === dataDir) {
      skipped.push({
        path: target,
        code: 'hidden_file',
        reason: "Quire's own data folder is skipped.",
      });
      return;
    }
    let stat;
    try {
      stat = await fs.stat(target);
    } catch {
      skipped.push({
        path: target,
        code: 'file_missing',
        reason: 'The file or folder does not exist or cannot be read.',
      });
      return;
    }
    if (stat.isDirectory()) {
      const real = await fs.realpath(target);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      let entries: string[];
      try {
        entries = (await fs.readdir(target)).sort((a, b) => a.localeCompare(b));
      } catch {
        skipped.push({ path: target, code: 'file_missing', reason: 'The folder cannot be read.' });
        return;
      }
      for (const entry of entries) await visit(path.join(target, entry), false);
      return;
    }
    if (!stat.isFile()) {
      skipped.push({
        path: target,
        code: 'unsupported_type',
        reason: 'Only regular files can be indexed.',
      });
      return;
    }
    if (!isSupported(target)) {
      const ext = path.extname(target) || 'files without an extension';
      skipped.push({
        path: target,
        code: 'unsupported_type',
        reason: `${ext} is not a supported document type.`,
      });
      return;
    }
    if (seenFiles.has(target)) return;
    seenFiles.add(target);
    files.push({ path: target, size: stat.size, mtimeMs: stat.mtimeMs });
  }

  for (const input of inputs) await visit(path.resolve(input), true);
  return { files, skipped };
}
