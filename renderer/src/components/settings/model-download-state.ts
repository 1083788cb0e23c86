// Model downloads in the renderer: events reduced into per-model state, and what to show for it.
import type { ModelStatus } from '../../../../shared/contract/models';
import { downloadKey, type ModelDownloadState } from '../../../../shared/models';
import type { StreamEvent } from '../../api/event-types';

/** Keyed by `downloadKey`: the model kind, or `language:<id>` for a catalogue chat model. */
export type DownloadsByKind = Partial<Record<string, ModelDownloadState>>;

/** The system stream's snapshot lists the downloads; the screen looks them up by key. */
export function downloadsByKind(downloads: readonly ModelDownloadState[]): DownloadsByKind {
  return Object.fromEntries(downloads.map((d) => [downloadKey(d), d]));
}

export function applyDownloadEvents(
  state: DownloadsByKind,
  events: StreamEvent[],
): DownloadsByKind {
  let next = state;
  for (const event of events) {
    if (event.type !== 'model.download.progress') continue;
    next = { ...next, [downloadKey(event.data)]: event.data };
  }
  return next;
}

export type DownloadView =
  | { kind: 'present' }
  | { kind: 'missing'; label: string; where: string | null }
  | { kind: 'running'; fraction: number | null; detail: string }
  | { kind: 'failed'; message: string; where: string | null }
  | { kind: 'cancelled' }
  | { kind: 'restart'; message: string };

const MB = 1024 * 1024;

export function formatMegabytes(bytes: number): string {
  const mb = bytes / MB;
  return mb >= 10 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

/** "12 MB of 491 MB", or what is known before the hub has said how large the files are. */
export function progressDetail(download: ModelDownloadState): string {
  const received = formatMegabytes(download.receivedBytes);
  if (download.totalBytes !== null) return `${received} of ${formatMegabytes(download.totalBytes)}`;
  return download.receivedBytes > 0 ? received : 'Starting…';
}

/** What the settings screen shows for one model, from its status and its latest live event. */
export function downloadView(
  status: ModelStatus,
  live: ModelDownloadState | undefined,
): DownloadView {
  const download = live?.modelId === status.modelId ? live : (status.download ?? undefined);
  if (download?.state === 'done' && download.restartRequired)
    return {
      kind: 'restart',
      message: `${status.modelId} is downloaded. Restart Quire to use it.`,
    };
  if (download?.state === 'running')
    return { kind: 'running', fraction: download.fraction, detail: progressDetail(download) };
  if (status.present || download?.state === 'done') return { kind: 'present' };
  if (download?.state === 'error' && download.error)
    return { kind: 'failed', message: download.error.message, where: status.path };
  if (download?.state === 'cancelled') return { kind: 'cancelled' };
  const size = status.approxBytes ? ` (≈${formatMegabytes(status.approxBytes)})` : '';
  return { kind: 'missing', label: `Download${size}`, where: status.path };
}
