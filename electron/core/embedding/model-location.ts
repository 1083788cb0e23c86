// Where the embedding model lives on disk, and the plain-words error when it is nowhere.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QuireError } from '../../../shared/errors';

export const DEFAULT_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';

/** transformers.js file names: fp32 loads onnx/model.onnx, q8 loads onnx/model_quantized.onnx. */
export const MODEL_FILES = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' } as const;
export type ModelDtype = keyof typeof MODEL_FILES;

export type ModelDirOptions = {
  /** An explicit `--model-dir`: when given, it is the only place searched. */
  modelDir?: string;
  /** The app's data folder; models downloaded by Quire go to `<dataDir>/models`. */
  dataDir?: string;
  /** The app's resources folder; models bundled at build time sit in `<resourcesDir>/models`. */
  resourcesDir?: string;
};

/** The folders to search, best first. Each one holds `<modelId>/onnx/model.onnx`. */
export function modelSearchDirs({ modelDir, dataDir, resourcesDir }: ModelDirOptions): string[] {
  // An explicit folder wins alone: a user who names a folder wants that copy or a clear error.
  if (modelDir) return [resolve(modelDir)];
  const dirs: string[] = [];
  if (dataDir) dirs.push(resolve(dataDir, 'models'));
  if (resourcesDir) dirs.push(resolve(resourcesDir, 'models'));
  return [...new Set(dirs)];
}

/** Model ids are `name` or `owner/name`; anything else could climb out of the models folder. */
export function assertModelId(modelId: string): void {
  const ok =
    /^[\w.-]+(\/[\w.-]+)?$/.test(modelId) &&
    !modelId.split('/').some((part) => part === '.' || part === '..');
  if (!ok)
    throw new QuireError(
      'invalid_argument',
      `"${modelId}" is not a valid model name. Use a name like "Xenova/all-MiniLM-L6-v2".`,
    );
}

/** Written last by Quire's downloader; `complete: false` means a download is unfinished. */
export const DOWNLOAD_STAMP = '.quire-download.json';

/** True while Quire's downloader has started on `<dir>/<modelId>` and not finished. */
export function isDownloadUnfinished(modelId: string, dir: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(join(dir, modelId, DOWNLOAD_STAMP), 'utf8')) as {
      complete?: unknown;
    };
    return stamp.complete !== true;
  } catch {
    // No stamp: a folder copied in by hand, judged by its files alone.
    return false;
  }
}

/** Which weights `<dir>/<modelId>` has: fp32 if present, else the quantized file, else null. */
export function localModelDtype(modelId: string, dir: string): ModelDtype | null {
  assertModelId(modelId);
  if (isDownloadUnfinished(modelId, dir)) return null;
  for (const dtype of Object.keys(MODEL_FILES) as ModelDtype[]) {
    if (existsSync(join(dir, modelId, MODEL_FILES[dtype]))) return dtype;
  }
  return null;
}

/** The first search dir holding `<modelId>/onnx/model.onnx` (or its quantized variant), else null. */
export function findLocalModel(modelId: string, searchDirs: readonly string[]): string | null {
  for (const dir of searchDirs) {
    if (localModelDtype(modelId, dir) !== null) return dir;
  }
  return null;
}

/** Like findLocalModel, but a missing model is a 'model_unavailable' error that says what to do. */
export function requireLocalModel(modelId: string, searchDirs: readonly string[]): string {
  const dir = findLocalModel(modelId, searchDirs);
  if (dir === null) throw modelUnavailable(modelId, searchDirs);
  return dir;
}

export function modelUnavailable(
  modelId: string,
  searchDirs: readonly string[],
  cause?: unknown,
): QuireError {
  const where =
    searchDirs.length > 0
      ? searchDirs.map((d) => `  - ${d}`).join('\n')
      : '  (no folders were configured)';
  const expected = `${modelId}/${MODEL_FILES.fp32}`;
  const message =
    cause === undefined
      ? `The embedding model "${modelId}" is not installed: documents are indexed for full-text search, and get their vectors once it is there.\n` +
        `Quire looked for ${expected} in:\n${where}\n` +
        `To add it, let Quire download it, or copy the model's folder (with its onnx/ subfolder) ` +
        `into one of these folders, or start Quire with --model-dir <folder>.`
      : `The embedding model "${modelId}" was found but could not be loaded; its files may be damaged ` +
        `or incomplete.\nQuire looked in:\n${where}\n` +
        `To fix it, delete the model's folder and let Quire download it again, or copy a fresh copy there.`;
  return new QuireError('model_unavailable', message, cause === undefined ? {} : { cause });
}
