// `quire models list` and `quire models speed`: the embedding catalogue on the command line.
import type { EmbeddingCatalog, EmbeddingModelStatus } from '../../../shared/contract/models';
import {
  describeDownloads,
  downloadMegabytes,
  EMBEDDING_MODEL_CATALOG,
  findEmbeddingModel,
  formatScore,
} from '../../../shared/embedding-catalog';
import { recommendEmbeddingModel } from '../../../shared/embedding-recommendation';
import { describeSpeed, type EmbeddingSpeed } from '../../../shared/embedding-speed';
import type { CliOutput } from './cli-context';

/** The languages this session reads, best first, from the locale environment ("de_AT.UTF-8"). */
export function systemLanguages(env: NodeJS.ProcessEnv = process.env): string[] {
  const tags = [
    ...(env.LANGUAGE ?? '').split(':'),
    env.LC_ALL,
    env.LC_MESSAGES,
    env.LANG,
    Intl.DateTimeFormat().resolvedOptions().locale,
  ];
  return tags
    .map((tag) => (tag ?? '').split('.')[0]!.split('@')[0]!.replace('_', '-'))
    .filter((tag) => tag && tag !== 'C' && tag !== 'POSIX');
}

/** Resolves a catalogue name ("bge-small-en-v1.5") to its id; other names pass as they are. */
export function embeddingModelId(name: string): string {
  return EMBEDDING_MODEL_CATALOG.find((entry) => entry.name === name)?.id ?? name;
}

/** One JSON object per model (kind "embedding"), or a block of lines per model with the sources. */
export function printEmbeddingCatalog(
  catalog: EmbeddingCatalog,
  out: CliOutput,
  languages = systemLanguages(),
): void {
  const recommendation = recommendEmbeddingModel(languages);
  if (!out.json) out.line('\nEmbedding models (find passages by meaning):');
  for (const model of catalog.models) {
    const recommended = model.id === recommendation.id;
    if (out.json) {
      out.line('', {
        kind: 'embedding',
        ...model,
        downloadMegabytes: downloadMegabytes(model),
        recommended,
        ...(recommended ? { reason: recommendation.reason } : {}),
      });
      continue;
    }
    printModel(model, recommended, out);
  }
  if (catalog.other && !out.json)
    out.line(
      `\n  In use: ${catalog.other.id} (not in the catalogue, so no published figures). ` +
        `Speed here: ${catalog.other.speed ? describeWhen(catalog.other.speed) : notMeasured(catalog.other.id)}`,
    );
  else if (catalog.other) out.line('', { kind: 'embedding-other', ...catalog.other });
  if (!out.json) {
    const name = findEmbeddingModel(recommendation.id)?.name ?? recommendation.id;
    out.line(`\n  Recommended: ${name}. ${recommendation.reason}`);
  }
}

function printModel(model: EmbeddingModelStatus, recommended: boolean, out: CliOutput): void {
  const state = model.inUse ? 'in use' : model.present ? 'present' : 'missing';
  const mark = recommended ? '  (recommended)' : '';
  out.line(
    `  ${model.id.padEnd(30)} ${state.padEnd(8)} ${model.languages.label.padEnd(20)} ` +
      `${String(model.dims.value).padStart(4)} dims  ${describeDownloads(model)} download${mark}`,
  );
  for (const figure of model.quality)
    out.line(`      ${figure.label} ${formatScore(figure.value)}  ${figure.source}`);
  out.line(`      Sizes: ${model.files.q8.source}`);
  out.line(
    `      Speed here: ${model.speed ? describeWhen(model.speed) : notMeasured(model.name)}`,
  );
}

function describeWhen(speed: EmbeddingSpeed): string {
  return `${describeSpeed(speed)}, ${new Date(speed.measuredAt).toISOString().slice(0, 10)}`;
}

function notMeasured(name: string): string {
  return `not measured yet (quire models speed ${name})`;
}

/** The result of `quire models speed`. */
export function printSpeed(speed: EmbeddingSpeed, out: CliOutput): void {
  if (out.json) return out.line('', speed);
  out.line(
    `${speed.modelId}: ${describeSpeed(speed)}. ${speed.passages} passages, ` +
      `${speed.tokens.toLocaleString('en-US')} tokens in ${speed.seconds.toFixed(1)} s ` +
      `(loading took ${speed.loadSeconds.toFixed(1)} s). Saved: Settings and quire models list show it.`,
  );
}
