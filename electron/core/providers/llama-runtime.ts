import type * as NodeLlamaCpp from 'node-llama-cpp';
import type { Llama } from 'node-llama-cpp';
import { QuireError } from '../../../shared/errors';

export type LlamaModule = typeof NodeLlamaCpp;
export type LlamaRuntime = { mod: LlamaModule; llama: Llama };

let runtime: Promise<LlamaRuntime> | null = null;

/**
 * node-llama-cpp behind a port: imported on first use, one Llama per process (binding load takes
 * seconds). CPU only, prebuilt binaries only: never compiles, never downloads.
 */
export function loadLlamaRuntime(): Promise<LlamaRuntime> {
  runtime ??= (async () => {
    const mod = await import('node-llama-cpp');
    const llama = await mod.getLlama({
      gpu: false,
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: mod.LlamaLogLevel.error,
      logger: (level, message) => {
        if (level === mod.LlamaLogLevel.error || level === mod.LlamaLogLevel.fatal) {
          console.error(`[llama.cpp] ${message}`);
        }
      },
    });
    return { mod, llama };
  })().catch((error: unknown) => {
    runtime = null; // let a later attempt retry (e.g. after an update)
    throw new QuireError(
      'model_unavailable',
      'The built-in model engine could not start on this computer. Pick Ollama or another provider in Settings.',
      { cause: error },
    );
  });
  return runtime;
}
