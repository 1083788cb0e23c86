import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ModelStatus } from '../../../../shared/contract/models';
import type { ModelDownloadState } from '../../../../shared/models';
import { makeEvent } from '../../../../test/helpers/stream-events';
import { ModelRow } from './ModelDownload';
import {
  applyDownloadEvents,
  downloadsByKind,
  downloadView,
  type DownloadView,
} from './model-download-state';

const MODEL = 'Xenova/all-MiniLM-L6-v2';
const WHERE = `/data/models/${MODEL}`;
const MB = 1024 * 1024;

const missing: ModelStatus = {
  kind: 'embedding',
  modelId: MODEL,
  present: false,
  path: WHERE,
  approxBytes: 24_000_000,
  download: null,
};

function state(over: Partial<ModelDownloadState>): ModelDownloadState {
  return {
    kind: 'embedding',
    modelId: MODEL,
    state: 'running',
    file: null,
    receivedBytes: 0,
    totalBytes: null,
    fraction: null,
    error: null,
    restartRequired: false,
    ...over,
  };
}

/** One download as the core emits it: started, two progress steps, a drop, a retry that completes. */
const events = [
  makeEvent('system', 1, 'model.download.progress', state({})),
  makeEvent(
    'system',
    2,
    'model.download.progress',
    state({ file: 'tokenizer.json', receivedBytes: 1 * MB, totalBytes: 24 * MB, fraction: 1 / 24 }),
  ),
  makeEvent(
    'system',
    3,
    'model.download.progress',
    state({
      file: 'onnx/model_quantized.onnx',
      receivedBytes: 12 * MB,
      totalBytes: 24 * MB,
      fraction: 0.5,
    }),
  ),
  makeEvent(
    'system',
    4,
    'model.download.progress',
    state({
      state: 'error',
      receivedBytes: 12 * MB,
      totalBytes: 24 * MB,
      fraction: 0.5,
      error: {
        code: 'unreachable',
        message: `Quire could not reach huggingface.co. Check your connection, or copy the model folder into ${WHERE}.`,
      },
    }),
  ),
];

const render = (view: DownloadView) =>
  renderToStaticMarkup(
    <ModelRow model={missing} view={view} onDownload={() => {}} onCancel={() => {}} />,
  );

describe('model download state', () => {
  it('a missing model offers "Download (≈N MB)" and says where a copied folder goes', () => {
    const view = downloadView(missing, undefined);
    expect(view).toEqual({ kind: 'missing', label: 'Download (≈23 MB)', where: WHERE });
    const html = render(view);
    expect(html).toContain('>Download (≈23 MB)</button>');
    expect(html).toContain(`Or copy the model folder into ${WHERE}.`);
  });

  it('follows progress events to a bar with done/total, then an error in plain words with Retry', () => {
    const afterTwo = applyDownloadEvents({}, events.slice(0, 3));
    const running = downloadView(missing, afterTwo.embedding);
    expect(running).toEqual({ kind: 'running', fraction: 0.5, detail: '12 MB of 24 MB' });
    const bar = render(running);
    expect(bar).toContain('aria-valuenow="50"');
    expect(bar).toContain('12 MB of 24 MB');
    expect(bar).toContain('>Cancel</button>');

    const failed = downloadView(missing, applyDownloadEvents(afterTwo, events.slice(3)).embedding);
    expect(failed).toMatchObject({ kind: 'failed' });
    const html = render(failed);
    expect(html).toContain('role="alert"');
    expect(html).toContain('Quire could not reach huggingface.co.');
    expect(html).toContain('>Retry</button>');
    expect(html).not.toContain('Cancel');
  });

  it('a download that has just started shows an indeterminate bar', () => {
    const view = downloadView(missing, applyDownloadEvents({}, events.slice(0, 1)).embedding);
    expect(view).toEqual({ kind: 'running', fraction: null, detail: 'Starting…' });
    expect(render(view)).not.toContain('aria-valuenow');
  });

  it('done means installed, or "Restart Quire to use it" when the core says so', () => {
    const done = state({ state: 'done', fraction: 1, receivedBytes: 24 * MB, totalBytes: 24 * MB });
    expect(downloadView(missing, done)).toEqual({ kind: 'present' });
    const restart = downloadView(missing, { ...done, restartRequired: true });
    expect(restart).toEqual({
      kind: 'restart',
      message: `${MODEL} is downloaded. Restart Quire to use it.`,
    });
    expect(render(restart)).toContain('Restart Quire to use it.');
    expect(render(downloadView({ ...missing, present: true }, undefined))).toContain(
      'is installed.',
    );
  });

  it('a cancelled download offers Download again; another model id’s events are ignored', () => {
    const cancelled = downloadView(missing, state({ state: 'cancelled' }));
    expect(cancelled).toEqual({ kind: 'cancelled' });
    expect(render(cancelled)).toContain('its download was cancelled.');
    expect(downloadView(missing, state({ modelId: 'someone/else', fraction: 0.3 }))).toMatchObject({
      kind: 'missing',
    });
  });

  it('starts from the system stream snapshot, so a reload mid-download shows the true progress', () => {
    const snap = downloadsByKind([
      state({ receivedBytes: 6 * MB, totalBytes: 24 * MB, fraction: 0.25 }),
    ]);
    expect(downloadView(missing, snap.embedding)).toMatchObject({
      kind: 'running',
      fraction: 0.25,
    });
    expect(downloadsByKind([])).toEqual({});
    // The status query carries the same state when no event has arrived yet.
    expect(
      downloadView(
        { ...missing, download: state({ fraction: 0.75, totalBytes: 4 * MB }) },
        undefined,
      ),
    ).toMatchObject({ kind: 'running', fraction: 0.75 });
  });
});
