import { describe, expect, it } from 'vitest';
import type { LanguageModelStatus } from '../../../../shared/contract/models';
import { LANGUAGE_MODEL_CATALOG } from '../../../../shared/model-catalog';
import type { ModelDownloadState } from '../../../../shared/models';
import { catalogRowView, describeModel, fitText } from './language-model-view';

const GB = 1024 ** 3;
const entry = LANGUAGE_MODEL_CATALOG[0]!;
const model = (over: Partial<LanguageModelStatus> = {}): LanguageModelStatus => ({
  ...entry,
  present: false,
  path: '/data/models/x.gguf',
  fitsInMemory: true,
  selected: false,
  download: null,
  ...over,
});
const state = (over: Partial<ModelDownloadState>): ModelDownloadState => ({
  kind: 'language',
  modelId: entry.id,
  state: 'running',
  file: entry.file,
  receivedBytes: 0,
  totalBytes: null,
  fraction: null,
  error: null,
  restartRequired: false,
  ...over,
});

describe('catalogue rows', () => {
  it('offers a download with its size, then shows progress, then the model in use', () => {
    expect(catalogRowView(model(), undefined)).toEqual({
      kind: 'missing',
      label: 'Download (491 MB)',
      cancelled: false,
    });
    expect(
      catalogRowView(
        model(),
        state({ receivedBytes: 100 * 1024 ** 2, totalBytes: 491 * 1024 ** 2, fraction: 0.2 }),
      ),
    ).toEqual({ kind: 'running', fraction: 0.2, detail: '100 MB of 491 MB' });
    expect(catalogRowView(model(), state({ state: 'done', fraction: 1 }))).toEqual({
      kind: 'in-use',
    });
    expect(catalogRowView(model({ present: true, selected: true }), undefined)).toEqual({
      kind: 'in-use',
    });
    expect(catalogRowView(model({ present: true }), undefined)).toEqual({ kind: 'present' });
  });

  it('shows a failure with its message, and a cancelled download can start again', () => {
    const failed = state({ state: 'error', error: { code: 'corrupt_file', message: 'Bad hash.' } });
    expect(catalogRowView(model(), failed)).toEqual({ kind: 'failed', message: 'Bad hash.' });
    expect(catalogRowView(model(), state({ state: 'cancelled' }))).toMatchObject({
      kind: 'missing',
      cancelled: true,
    });
  });

  it('says what the model needs and whether this machine has it', () => {
    expect(describeModel(model())).toBe('491 MB download · needs 2.0 GB of memory · Apache-2.0');
    expect(fitText(model(), 24 * GB)).toBe('Fits this machine (24.0 GB of memory)');
    expect(fitText(model({ fitsInMemory: false, ramBytes: 6 * GB }), 4 * GB)).toBe(
      'This machine has 4.0 GB of memory; this model needs 6.0 GB',
    );
  });
});
