import { parseArgs } from 'node:util';
import { ModelKindSchema, type ModelDownloadState } from '../../../shared/models';
import { createQuireCore, type QuireCore } from '../quire-core';
import {
  coreOptionsFrom,
  createOutput,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';

export const MODELS_HELP = `quire models status [--data DIR] [--model-dir DIR] [--json]
  Lists the embedding and reranker models: present or missing, and where they are or go.
quire models download [embedding|reranker] [--hub URL] [--data DIR] [--model-dir DIR] [--json]
  Downloads a model (default: embedding) from Hugging Face, or from --hub, with progress.
  Exit code 1 when the download fails; run it again to resume.`;

const MB = 1024 * 1024;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...SHARED_OPTIONS, hub: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const [action, which = 'embedding', ...extra] = positionals;
  if ((action !== 'status' && action !== 'download') || extra.length > 0) {
    out.error(MODELS_HELP);
    return 2;
  }
  const kind = ModelKindSchema.safeParse(which);
  if (!kind.success) {
    out.error(`Download "embedding" or "reranker", not "${which}".`);
    return 2;
  }
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    startIndexing: action === 'download',
    ...(values.hub ? { modelHub: values.hub } : {}),
  });
  try {
    return action === 'status' ? printStatus(core, out) : await download(core, kind.data, out);
  } finally {
    await core.close();
  }
}

function printStatus(core: QuireCore, out: CliOutput): number {
  for (const model of core.downloads.status()) {
    const size = model.approxBytes ? ` (≈${Math.round(model.approxBytes / MB)} MB)` : '';
    const text = model.present
      ? `${model.kind.padEnd(9)} present  ${model.modelId}  ${model.path}`
      : `${model.kind.padEnd(9)} missing  ${model.modelId}${size}  goes to ${model.path}`;
    out.line(text, model);
  }
  return 0;
}

async function download(
  core: QuireCore,
  kind: 'embedding' | 'reranker',
  out: CliOutput,
): Promise<number> {
  let lastPercent = -1;
  const stop = core.hub.onAnyEvent((event) => {
    if (event.type !== 'model.download.progress' || event.data.kind !== kind) return;
    const state = event.data;
    if (out.json) return out.line('', state);
    const percent = Math.floor((state.fraction ?? 0) * 100);
    if (state.state === 'running' && state.file && percent !== lastPercent) {
      lastPercent = percent;
      out.line(`${String(percent).padStart(3)}%  ${describeBytes(state)}  ${state.file}`);
    }
  });
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
    return 0;
  }
  if (!out.json)
    out.error(
      state.error ? `${state.error.message} [${state.error.code}]` : 'The download was cancelled.',
    );
  return 1;
}

function describeBytes(state: ModelDownloadState): string {
  const done = (state.receivedBytes / MB).toFixed(1);
  return state.totalBytes === null
    ? `${done} MB`
    : `${done}/${(state.totalBytes / MB).toFixed(1)} MB`;
}
