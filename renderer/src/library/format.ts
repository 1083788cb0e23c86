import type { DocumentInfo, DocumentKind, DocumentStatus } from '../../../shared/documents';
import type { ErrorCode } from '../../../shared/errors';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "about 3 min left": rounded so the figure does not flicker on every event. */
export function formatEta(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const s = Math.round(ms / 1000);
  if (s < 10) return 'a few seconds left';
  if (s < 50) return `about ${Math.ceil(s / 10) * 10} s left`;
  if (s < 90) return 'about a minute left';
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  const h = Math.floor(min / 60);
  return `about ${h} h ${min % 60} min left`;
}

// One formatter: toLocaleString builds a new one per call, which shows in 10,000-row lists.
const COUNT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export const STATUS_LABEL: Record<DocumentStatus, string> = {
  queued: 'Queued',
  parsing: 'Reading',
  chunking: 'Splitting',
  embedding: 'Embedding',
  writing: 'Saving',
  ready: 'Ready',
  failed: 'Failed',
  cancelled: 'Stopped',
};

export const KIND_LABEL: Record<DocumentKind, string> = {
  pdf: 'PDF',
  markdown: 'Markdown',
  text: 'Text',
  html: 'HTML',
  docx: 'Word',
  image: 'Image',
  other: 'File',
};

/** Unit of a stage's done/total counter, so "12 / 117 pages" reads naturally. */
const STAGE_UNIT: Partial<Record<DocumentStatus, string>> = {
  parsing: 'page',
  chunking: 'section',
  embedding: 'passage',
  writing: 'passage',
};

export function progressDetail(doc: DocumentInfo): string | null {
  const p = doc.progress;
  if (p?.label) return p.label;
  if (!p || p.total <= 0) return null;
  const unit = STAGE_UNIT[p.stage];
  // The unit agrees with the total: "1 / 1 page", "1 / 12 pages".
  const units = unit ? ` ${p.total === 1 ? unit : `${unit}s`}` : '';
  return `${formatCount(p.done)} / ${formatCount(p.total)}${units}`;
}

const PASSWORD_CODES = new Set<ErrorCode>(['password_required', 'wrong_password']);

export function needsPassword(doc: DocumentInfo): boolean {
  return doc.status === 'failed' && doc.error !== null && PASSWORD_CODES.has(doc.error.code);
}

/** Failures that a plain retry cannot fix: offer Remove instead of a hopeful Retry. */
const FINAL_CODES = new Set<ErrorCode>([
  'unsupported_type',
  'hidden_file',
  'empty_file',
  'binary_content',
  'no_text_layer',
]);

export function canRetry(doc: DocumentInfo): boolean {
  if (doc.status === 'cancelled') return true;
  if (doc.status !== 'failed') return false;
  return doc.error === null || !FINAL_CODES.has(doc.error.code);
}

/** The reason in plain words; the core's messages are already written for people. */
export function failureReason(doc: DocumentInfo): string {
  if (doc.status === 'cancelled') return 'Indexing was stopped.';
  return doc.error?.message ?? 'Indexing failed for an unknown reason.';
}
