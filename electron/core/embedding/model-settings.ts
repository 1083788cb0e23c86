import fs from 'node:fs';
import path from 'node:path';
import { findLocalModel, modelSearchDirs } from './model-location';

export type ResolvedModel = {
  modelId: string;
  /** transformers.js localModelPath: the folder holding `<modelId>/`. */
  modelDir: string | null;
  /** True when ONNX weights are present; false means tokenizer-only or nothing. */
  hasWeights: boolean;
  dims: number;
  searchDirs: string[];
};

/** Finds where a model lives and how wide its vectors are (config.json hidden_size). */
export function resolveModel(options: {
  modelId: string;
  modelDir?: string;
  dataDir: string;
  resourcesDir?: string;
}): ResolvedModel {
  const searchDirs = modelSearchDirs({
    modelDir: options.modelDir,
    dataDir: options.dataDir,
    resourcesDir: options.resourcesDir,
  });
  const withWeights = findLocalModel(options.modelId, searchDirs);
  const withTokenizer =
    searchDirs.find((dir) => fs.existsSync(path.join(dir, options.modelId, 'tokenizer.json'))) ??
    null;
  const modelDir = withWeights ?? withTokenizer ?? searchDirs[0] ?? null;
  let dims = 384;
  if (modelDir) {
    try {
      const config = JSON.parse(
        fs.readFileSync(path.join(modelDir, options.modelId, 'config.json'), 'utf8'),
      ) as { hidden_size?: number };
      if (typeof config.hidden_size === 'number' && config.hidden_size > 0)
        dims = config.hidden_size;
    } catch {
      // No config yet: the default model's width.
    }
  }
  return { modelId: options.modelId, modelDir, hasWeights: withWeights !== null, dims, searchDirs };
}
