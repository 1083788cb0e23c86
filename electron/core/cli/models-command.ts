import { parseArgs } from 'node:util';
import { findCatalogEntry, LANGUAGE_MODEL_CATALOG } from '../../../shared/model-catalog';
import { ModelKindSchema, type ModelDownloadState, type ModelKind } from '../../../shared/models';
import { createQuireCore, type QuireCore } from '../quire-core';
import { modelsUseCommand, MODELS_USE_HELP } from './models-use-command';
import { embeddingModelId, printEmbeddingCatalog, printSpeed } from './embedding-models-output';
import {
  coreOptionsFrom,
  createOutput,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';

export const MODELS_HELP = `quire models status [--data DIR] [--model-dir DIR] [--json]
  Lists the embedding, reranker and entailment models: present or missing, and where they are or go.
quire models list [--data DIR] [--json]
  The chat models Quire can download: size, the memory each needs, and whether this machine has it.
  Then the embedding models: languages, dimensions, download size, published retrieval scores with
  their sources, and the speed measured on this machine. --json: one object per model, with "kind".
quire models speed [<embedding model>] [--data DIR] [--model-dir DIR] [--json]
  Measures how fast an installed embedding model (default: the one in use) embeds a built-in sample
  of 200 passages here, and keeps the figure. Downloads measure themselves once indexing is idle.
quire models download [embedding|reranker|entailment|<chat model id>] [--hub URL] [--data DIR] [--model-dir DIR] [--json]
  Downloads a model (default: embedding) from Hugging Face, or from --hub, with progress.
  A chat model from the list becomes the local model that answers questions.
  Exit code 1 when the download fails; run it again to resume.
${MODELS_USE_HELP}`;

const MB = 1024 * 1024;

export async function modelsCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'use') return modelsUseCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: SHARED_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const [action, which = 'embedding', ...extra] = positionals;
  const known =
    action === 'status' || action === 'download' || action === 'list' || action === 'speed';
  if (!known || extra.length > 0 || (action === 'list' && positionals.length > 1)) {
    out.error(MODELS_HELP);
    return 2;
  }
  const kind = ModelKindSchema.safeParse(which);
  const chatModel = findCatalogEntry(which);
  if (action === 'download' && !kind.success && !chatModel) {
    const ids = LANGUAGE_MODEL_CATALOG.map((entry) => entry.id).join(', ');
    out.error(
      `Download "embedding", "reranker", "entailment" or a chat model (${ids}), not "${which}".`,
    );
    return 2;
  }
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    startIndexing: action === 'download' && kind.success,
    // Listing and measuring only read the library, so they work beside a running Quire.
    readOnly: action !== 'download',
  });
  try {
    if (action === 'status') return printStatus(core, out);
    if (action === 'list') return await printCatalog(core, out);
    if (action === 'speed')
      return await measureSpeed(
        core,
        positionals.length > 1 ? embeddingModelId(which) : core.model.modelId,
        out,
      );
    if (chatModel) return await downloadChatModel(core, chatModel.id, out);
    return await download(core, kind.data!, out);
  } finally {
    await core.close();
  }
}

async function printCatalog(core: QuireCore, out: CliOutput): Promise<number> {
  const catalog = core.languageModels.catalog();
  if (!out.json)
    out.line(`This machine has ${formatGigabytes(catalog.totalMemoryBytes)} of memory.`);
  for (const model of catalog.models) {
    if (out.json) {
      out.line('', { kind: 'chat', ...model });
      continue;
    }
    const state = model.selected ? 'in use' : model.present ? 'present' : 'missing';
    const fits = model.fitsInMemory ? 'fits' : 'needs more memory';
    const mark = model.id === catalog.recommendedId ? '  (recommended)' : '';
    out.line(
      `${model.id.padEnd(24)} ${state.padEnd(8)} ${formatGigabytes(model.sizeBytes).padStart(7)} download, ` +
        `${formatGigabytes(model.ramBytes)} RAM (${fits})  ${model.name}, ${model.license}${mark}`,
    );
  }
  printEmbeddingCatalog(await core.embeddingModels.catalog(), out);
  return 0;
}

async function measureSpeed(core: QuireCore, modelId: string, out: CliOutput): Promise<number> {
  if (!out.json) out.line(`Measuring ${modelId} on 200 passages…`);
  printSpeed(await core.embeddingModels.measure(modelId), out);
  return 0;
}

async function downloadChatModel(core: QuireCore, id: string, out: CliOutput): Promise<number> {
  const stop = followProgress(
    core,
    (state) => state.kind === 'language' && state.modelId === id,
    out,
  );
  const started = core.languageModels.start(id);
  const state = (await core.languageModels.settled(id)) ?? started;
  stop();
  if (state.state === 'done') {
    const model = core.languageModels.catalog().models.find((m) => m.id === id);
    if (!out.json) out.line(`✓ ${model?.name ?? id} is ready and selected: ${model?.path ?? ''}`);
    return 0;
  }
  reportFailure(state, out);
  return 1;
}

function formatGigabytes(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  return gb >= 1 ? `${gb.toFixed(1)} GB` : `${Math.round(bytes / MB)} MB`;
}

function printStatus(core: QuireCore, out: CliOutput): number {
  for (const model of core.downloads.status()) {
    const size = model.approxBytes ? ` (≈${Math.round(model.approxBytes / MB)} MB)` : '';
    const text = model.present
      ? `${model.kind.padEnd(10)} present  ${model.modelId}  ${model.path}`
      : `${model.kind.padEnd(10)} missing  ${model.modelId}${size}  goes to ${model.path}`;
    out.line(text, model);
  }
  return 0;
}

async function download(core: QuireCore, kind: ModelKind, out: CliOutput): Promise<number> {
  const stop = followProgress(core, (state) => state.kind === kind, out);
  const started = core.downloads.start(kind);
  const final: ModelDownloadState | null = await core.downloads.settled(kind);
  stop();
  const state = final ?? started;
  if (state.state === 'done') {
    if (!out.json)
      out.line(
        `✓ ${state.modelId} is ready${state.restartRequired ? '; restart Quire to use it' : ''}.`,
      );
    // Documents that were waiting for vectors get them before the command exits.
    if (kind === 'embedding' && !state.restartRequired) await core.library.whenIdle();
    // Then its speed here, which the core measures after every download (joined, not repeated).
    if (kind === 'embedding') printSpeed(await core.embeddingModels.measure(state.modelId), out);
    return 0;
  }
  reportFailure(state, out);
  return 1;
}

/** Prints each whole percent of a download (every state in --json mode); returns the unsubscribe. */
function followProgress(
  core: QuireCore,
  mine: (state: ModelDownloadState) => boolean,
  out: CliOutput,
): () => void {
  let lastPercent = -1;
  return core.hub.onAnyEvent((event) => {
    if (event.type !== 'model.download.progress' || !mine(event.data)) return;
    const state = event.data;
    if (out.json) return out.line('', state);
    const percent = Math.floor((state.fraction ?? 0) * 100);
    if (state.state === 'running' && state.file && percent !== lastPercent) {
      lastPercent = percent;
      out.line(`${String(percent).padStart(3)}%  ${describeBytes(state)}  ${state.file}`);
    }
  });
}

function reportFailure(state: ModelDownloadState, out: CliOutput): void {
  if (!out.json)
    out.error(
      state.error ? `${state.error.message} [${state.error.code}]` : 'The download was cancelled.',
    );
}

function describeBytes(state: ModelDownloadState): string {
  const done = (state.receivedBytes / MB).toFixed(1);
  return state.totalBytes === null
    ? `${done} MB`
    : `${done}/${(state.totalBytes / MB).toFixed(1)} MB`;
}
