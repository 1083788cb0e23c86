import { describe, expect, it } from 'vitest';
import type { DocumentInfo } from '../../../shared/documents';
import { canRetry, formatBytes, formatEta, needsPassword, progressDetail } from './format';

const base: DocumentInfo = {
  id: 'a',
  path: '/a.pdf',
  name: 'a.pdf',
  kind: 'pdf',
  size: 1,
  pages: null,
  status: 'failed',
  chunks: 0,
  progress: null,
  error: { code: 'password_required', message: 'Protected.' },
  vectorsPending: false,
  embeddingModel: null,
  addedAt: 0,
  updatedAt: 0,
};

describe('format', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
  });

  it('formats ETAs in rounded, human steps', () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(2000)).toBe('a few seconds left');
    expect(formatEta(8000)).toBe('a few seconds left');
    expect(formatEta(22_000)).toBe('about 30 s left');
    expect(formatEta(70_000)).toBe('about a minute left');
    expect(formatEta(3 * 60_000)).toBe('about 3 min left');
    expect(formatEta(95 * 60_000)).toBe('about 1 h 35 min left');
  });

  it('describes progress with its unit', () => {
    const doc: DocumentInfo = {
      ...base,
      status: 'parsing',
      error: null,
      progress: { stage: 'parsing', done: 12, total: 117, fraction: 0.05, etaMs: null },
    };
    expect(progressDetail(doc)).toBe('12 / 117 pages');
    const one = { ...doc.progress!, done: 1, total: 1 };
    expect(progressDetail({ ...doc, progress: one })).toBe('1 / 1 page');
    expect(
      progressDetail({ ...doc, progress: { ...one, stage: 'embedding', done: 0, total: 1 } }),
    ).toBe('0 / 1 passage');
  });

  it('knows which failures need a password and which can be retried', () => {
    expect(needsPassword(base)).toBe(true);
    expect(needsPassword({ ...base, error: { code: 'corrupt_file', message: '' } })).toBe(false);
    expect(canRetry({ ...base, error: { code: 'worker_crashed', message: '' } })).toBe(true);
    expect(canRetry({ ...base, error: { code: 'unsupported_type', message: '' } })).toBe(false);
    expect(canRetry({ ...base, status: 'ready', error: null })).toBe(false);
  });
});
