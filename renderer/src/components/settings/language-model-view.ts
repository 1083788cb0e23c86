// What one catalogue chat model shows: its facts, whether it fits, and its download state.
import type { LanguageModelStatus } from '../../../../shared/contract/models';
import type { ModelDownloadState } from '../../../../shared/models';
import { formatMegabytes, progressDetail } from './model-download-state';

export type CatalogRowView =
  | { kind: 'in-use' }
  | { kind: 'present' }
  | { kind: 'running'; fraction: number | null; detail: string }
  | { kind: 'failed'; message: string }
  | { kind: 'missing'; label: string; cancelled: boolean };

export function formatBytes(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  return gb >= 1 ? `${gb.toFixed(1)} GB` : formatMegabytes(bytes);
}

/** "491 MB download · needs 2 GB of memory · Apache-2.0" */
export function describeModel(model: LanguageModelStatus): string {
  return `${formatBytes(model.sizeBytes)} download · needs ${formatBytes(model.ramBytes)} of memory · ${model.license}`;
}

export function fitText(model: LanguageModelStatus, totalMemoryBytes: number): string {
  return model.fitsInMemory
    ? `Fits this machine (${formatBytes(totalMemoryBytes)} of memory)`
    : `This machine has ${formatBytes(totalMemoryBytes)} of memory; this model needs ${formatBytes(model.ramBytes)}`;
}

export function catalogRowView(
  model: LanguageModelStatus,
  live: ModelDownloadState | undefined,
): CatalogRowView {
  const download = live ?? model.download ?? undefined;
  if (download?.state === 'running')
    return { kind: 'running', fraction: download.fraction, detail: progressDetail(download) };
  // A finished download is selected by the core; the refreshed catalogue confirms it.
  if (model.selected || (download?.state === 'done' && !model.present)) return { kind: 'in-use' };
  if (model.present) return { kind: 'present' };
  if (download?.state === 'error' && download.error)
    return { kind: 'failed', message: download.error.message };
  return {
    kind: 'missing',
    label: `Download (${formatBytes(model.sizeBytes)})`,
    cancelled: download?.state === 'cancelled',
  };
}
