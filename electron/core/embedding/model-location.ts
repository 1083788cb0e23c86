// Where the embedding model lives on disk, and the plain-words error when it is nowhere.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QuireError } from '../../../shared/errors';
import type { EmbeddingDtype } from '../../../shared/settings';

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
  return localModelDtypes(modelId, dir)[0] ?? null;
}

/** Both weight files that `<dir>/<modelId>` has, fp32 first; none while a download is unfinished. */
export function localModelDtypes(modelId: string, dir: string): ModelDtype[] {
  assertModelId(modelId);
  if (isDownloadUnfinished(modelId, dir)) return [];
  return (Object.keys(MODEL_FILES) as ModelDtype[]).filter((dtype) =>
    existsSync(join(dir, modelId, MODEL_FILES[dtype])),
  );
}

/**
 * Which weights the embedding model loads from `<dir>/<modelId>`, or null when it has none.
 *
 * A folder with one of the two files uses the one it has, whatever the preference: a model that
 * is there always runs. With both, 'fp32' and 'q8' are obeyed, and 'auto' takes q8.
 *
 * Why q8 under 'auto': both of Quire's backends (onnxruntime-node and onnxruntime-web's WASM) run
 * on the CPU, where onnxruntime fuses the quantized MatMuls into int8 kernels
 * (MatMulIntegerToFloat, DynamicQuantizeMatMul; VNNI where the CPU has it). That makes MiniLM's
 * shape about twice as fast as fp32 in raw onnxruntime (docs/benchmarks.md, "int8 embeddings").
 * The published quality loss is small. Sentence Transformers' CPU benchmark scores onnx-qint8
 * (ONNX Runtime dynamic int8, as in model_quantized.onnx) at 99.68 % of fp32, with a 2.34×
 * speedup. That is averaged over all-MiniLM-L6-v2 and three larger models, on STSb (Spearman)
 * and NanoBEIR (NDCG@10); see the CPU figure at
 * https://sbert.net/docs/sentence_transformer/usage/efficiency.html#benchmarks
 * (docs/img/backends_benchmark_cpu.png in UKPLab/sentence-transformers). Their files use 8-bit
 * weights; transformers.js's use 7 (reduce_range), whose loss is not published. Quire's downloader
 * has always fetched only the int8 file, so 'auto' also keeps downloaded models as they were.
 * A GPU backend, were one added, should keep fp32 under 'auto': these files target CPU kernels.
 *
 * Identity: chunks record the model id alone (`embeddingModel`), not the dtype, so fp32 and q8
 * vectors of one model are searched together and a change of setting re-embeds nothing. They are
 * close: on the MiniLM-shaped test model over 200 SciFact abstracts, a text's two vectors have
 * cosine ≥ 0.99996, and 1 − cosine is 130× smaller than between the two closest distinct
 * abstracts (docs/benchmarks.md, "int8 embeddings"). Marking them `<id>@q8` would also disown
 * every library built from a download, which has always been int8.
 */
export function chooseModelDtype(
  preference: EmbeddingDtype,
  modelId: string,
  dir: string,
): ModelDtype | null {
  const present = localModelDtypes(modelId, dir);
  if (present.length <= 1) return present[0] ?? null;
  return preference === 'fp32' ? 'fp32' : 'q8';
}

/** The weights a download fetches for a preference: the int8 file unless fp32 is asked for. */
export function downloadDtype(preference: EmbeddingDtype): ModelDtype {
  return preference === 'fp32' ? 'fp32' : 'q8';
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
