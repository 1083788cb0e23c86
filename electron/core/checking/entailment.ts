// Layer 2 of answer checking: the NLI model, run in an indexing worker as the reranker is.
import { join } from 'node:path';
import type { EntailmentStatus } from '../../../shared/contract/settings';
import { QuireError } from '../../../shared/errors';
import type { RetrievalSettings } from '../../../shared/settings';
import { findLocalModel, MODEL_FILES } from '../embedding/model-location';
import {
  ENTAILMENT_ORDER,
  type EntailmentPair,
  type EntailmentProbabilities,
} from './entailment-model';

export type { EntailmentPair, EntailmentProbabilities };

export type EntailmentChecker = {
  /** Cheap (a few file checks), so asked afresh each time: a model copied in later just works. */
  status(): EntailmentStatus;
  /**
   * Probabilities per pair, in the pairs' order; null when the model is off, missing, failed to
   * load (remembered for a minute), or the signal aborted. Never throws.
   */
  score(
    pairs: readonly EntailmentPair[],
    signal?: AbortSignal,
  ): Promise<EntailmentProbabilities[] | null>;
};

/** A model whose files exist but fail to load stays off this long, then gets another try. */
const RETRY_AFTER_MS = 60_000;

/** Whether the entailment model can run: switched on, and its files in one of the model folders. */
export function entailmentStatus(options: {
  enabled: boolean;
  modelId: string;
  searchDirs: readonly string[];
  /** A load failure seen earlier for this model (its files exist but do not work). */
  loadError?: string | null;
}): EntailmentStatus {
  const { enabled, modelId, searchDirs } = options;
  let found: string | null = null;
  try {
    found = findLocalModel(modelId, searchDirs);
  } catch {
    // An invalid model id is simply not available.
  }
  const expected = found ?? searchDirs[0];
  const modelPath = expected ? join(expected, modelId) : null;
  const available = found !== null && !options.loadError;
  let notice: string | null = null;
  if (!found)
    notice = modelPath
      ? `Entailment model not found at ${join(modelPath, MODEL_FILES.fp32)}; answers are checked by their words and numbers only.`
      : `Entailment model "${modelId}" not found (no model folder is configured); answers are checked by their words and numbers only.`;
  else if (options.loadError) notice = options.loadError;
  return {
    enabled,
    available,
    active: enabled && available,
    installed: found !== null,
    modelId,
    modelPath,
    notice,
  };
}

/**
 * The one worker-pool call this needs. The indexing room's WorkerPool fits it; it is a shape
 * here because the indexing worker imports this room's model loader, and rooms import one way.
 */
export type EntailmentPool = {
  run(
    request: { type: 'entail'; modelId: string; modelDir: string; pairs: EntailmentPair[] },
    onProgress: undefined,
    options: { urgent: boolean },
  ): { promise: Promise<{ probabilities: Float32Array }>; cancel(): void };
};

export function createEntailmentChecker(deps: {
  pool: EntailmentPool;
  settings: () => RetrievalSettings;
  /** Folders searched for the model, best first (as for the embedding and reranker models). */
  modelSearchDirs: readonly string[];
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}): EntailmentChecker {
  let loadFailure: { modelId: string; message: string; at: number } | null = null;

  function status(): EntailmentStatus {
    const { entailment, entailmentModel } = deps.settings();
    return entailmentStatus({
      enabled: entailment,
      modelId: entailmentModel,
      searchDirs: deps.modelSearchDirs,
      loadError:
        loadFailure?.modelId === entailmentModel && Date.now() - loadFailure.at < RETRY_AFTER_MS
          ? loadFailure.message
          : null,
    });
  }

  async function score(
    pairs: readonly EntailmentPair[],
    signal?: AbortSignal,
  ): Promise<EntailmentProbabilities[] | null> {
    const current = status();
    if (!current.active || signal?.aborted) return null;
    if (pairs.length === 0) return [];
    const modelDir = findLocalModel(current.modelId, deps.modelSearchDirs);
    if (!modelDir) return null;
    // Answers wait on it: ahead of indexing work, as a search query's embedding is.
    const job = deps.pool.run(
      { type: 'entail', modelId: current.modelId, modelDir, pairs: [...pairs] },
      undefined,
      { urgent: true },
    );
    const onAbort = () => job.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { probabilities } = await job.promise;
      const width = ENTAILMENT_ORDER.length;
      return pairs.map(
        (_, i) =>
          Object.fromEntries(
            ENTAILMENT_ORDER.map((label, j) => [label, probabilities[i * width + j]!]),
          ) as EntailmentProbabilities,
      );
    } catch (error) {
      if (signal?.aborted || (error instanceof QuireError && error.code === 'cancelled'))
        return null;
      const message = error instanceof Error ? error.message : String(error);
      loadFailure = { modelId: current.modelId, message, at: Date.now() };
      deps.log?.('warn', `entailment checks are off for a minute: ${message}`);
      return null;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return { status, score };
}
