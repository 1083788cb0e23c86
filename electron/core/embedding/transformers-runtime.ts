// Loads transformers.js over the chosen ONNX runtime, once per thread.
//
// transformers.js binds to an ONNX runtime when it is first imported, so the choice has to be
// made before that import and cannot change afterwards in the same thread (each worker_thread
// has its own module graph, so each worker may pick its own backend).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TransformersModule from '@huggingface/transformers';
import { QuireError } from '../../../shared/errors';

export type EmbeddingBackend = 'native' | 'wasm';
export type Transformers = typeof TransformersModule;

export type RuntimeOptions = {
  /** WASM threads; fixed by the first load in a thread (onnxruntime-web initializes once). */
  wasmThreads?: number;
  /** Folder holding onnxruntime-web's .wasm/.mjs files; defaults to its installed dist/ folder. */
  wasmDir?: string;
};

const ORT_SYMBOL = Symbol.for('onnxruntime');
// onnxruntime-web's typings are not reachable through its package exports; this is all we touch.
const ORT_WEB = 'onnxruntime-web';
type OrtWeb = { env: { logLevel?: string; wasm: { wasmPaths?: string; numThreads?: number } } };
const require = createRequire(import.meta.url);
let loaded: { backend: EmbeddingBackend; transformers: Promise<Transformers> } | undefined;

let modelLoads: Promise<unknown> = Promise.resolve();

/**
 * Runs one model load at a time in this thread: transformers.js reads `env` (the local model
 * folder, remote loading) during a load, so two loads at once must not mix their settings.
 */
export function loadModelExclusively<T>(load: () => Promise<T>): Promise<T> {
  const task = modelLoads.then(load);
  modelLoads = task.catch(() => undefined);
  return task;
}

/** The backend this thread is bound to, if transformers.js has been loaded here. */
export function threadBackend(): EmbeddingBackend | undefined {
  return loaded?.backend;
}

export function loadTransformers(
  backend: EmbeddingBackend,
  options: RuntimeOptions = {},
): Promise<Transformers> {
  if (loaded) {
    if (loaded.backend !== backend) {
      throw new QuireError(
        'invalid_argument',
        `This thread already runs the ${loaded.backend} embedding backend and cannot switch to ${backend}. ` +
          'Start a new worker thread for the other backend.',
      );
    }
    return loaded.transformers;
  }
  const transformers = (backend === 'wasm' ? loadOverWasm(options) : loadOverNative()).catch(
    (error: unknown) => {
      if (error instanceof QuireError) throw error;
      // A failed import cannot be retried in this thread: the module cache keeps the failure.
      const reason = error instanceof Error ? error.message : String(error);
      throw new QuireError(
        'model_unavailable',
        `The ${backend} ONNX runtime could not be loaded (${reason}).`,
        { cause: error },
      );
    },
  );
  loaded = { backend, transformers };
  return transformers;
}

async function loadOverNative(): Promise<Transformers> {
  if (ORT_SYMBOL in globalThis) {
    throw new QuireError(
      'internal',
      'Another ONNX runtime was installed in this thread before the native embedder loaded.',
    );
  }
  const transformers = await import('@huggingface/transformers');
  assertRuntime(transformers, 'node');
  return transformers;
}

/**
 * Uses transformers.js's web build over onnxruntime-web. The Node build would still import
 * onnxruntime-node, which loads the native library: the very thing that can crash inside
 * Electron, and that may be missing. The web build never touches it; it cannot read files,
 * so a small cache adapter serves the local model files to it.
 */
async function loadOverWasm(options: RuntimeOptions): Promise<Transformers> {
  const ort = (await import(ORT_WEB)) as OrtWeb;
  // Without a local path, onnxruntime-web fetches its .wasm from a CDN.
  const wasmDir = options.wasmDir ?? dirname(require.resolve('onnxruntime-web'));
  ort.env.wasm.wasmPaths = pathToFileURL(join(wasmDir, '/')).href;
  ort.env.wasm.numThreads = options.wasmThreads ?? 1;
  ort.env.logLevel = 'error';
  (globalThis as Record<symbol, unknown>)[ORT_SYMBOL] = ort;

  const webBuild = join(
    dirname(require.resolve('@huggingface/transformers')),
    'transformers.web.js',
  );
  const transformers = (await import(pathToFileURL(webBuild).href)) as Transformers;
  assertRuntime(transformers, 'web');
  transformers.env.useCustomCache = true;
  transformers.env.customCache = localFileCache;
  return transformers;
}

function assertRuntime(transformers: Transformers, expected: 'node' | 'web'): void {
  const versions = (
    transformers.env.backends.onnx as { versions?: Record<string, string> } | undefined
  )?.versions;
  if (!versions?.[expected]) {
    throw new QuireError(
      'internal',
      `transformers.js was loaded in this thread before the embedder chose its runtime (expected onnxruntime-${expected}).`,
    );
  }
}

/**
 * A Cache-API lookalike for the web build: transformers.js asks it for `<localModelPath>/<file>`
 * first, so local models load from disk; anything else falls through to transformers.js.
 */
const localFileCache = {
  async match(key: unknown): Promise<Response | undefined> {
    if (typeof key !== 'string' || /^[a-z]+:\/\//i.test(key)) return undefined;
    try {
      return new Response(await readFile(key));
    } catch {
      return undefined;
    }
  },
  // Downloads are not persisted in WASM mode; the model downloader writes model folders itself.
  async put(): Promise<void> {},
};
