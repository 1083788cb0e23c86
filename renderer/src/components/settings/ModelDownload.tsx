import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ModelStatus } from '../../../../shared/contract/models';
import type { ModelKind } from '../../../../shared/models';
import { call, isUnknownMethod, request } from '../../api/call';
import { queryKeys } from '../../hooks/query-keys';
import { useTransport } from '../../hooks/transport-context';
import { shouldRetry } from '../../hooks/use-conversations';
import { useDownloadStates } from '../../hooks/use-download-states';
import { Icon } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';
import { downloadView, type DownloadView } from './model-download-state';

const TITLES: Record<ModelKind, string> = {
  embedding: 'Embedding model',
  reranker: 'Reranker model',
  entailment: 'Entailment model',
};

/** The models Quire can download, each with its button, progress, Cancel, or error and Retry. */
export function ModelDownload({ kinds }: { kinds?: readonly ModelKind[] } = {}) {
  const transport = useTransport();
  const [actionError, setActionError] = useState<string | null>(null);
  const [started, setStarted] = useState(false);
  const status = useQuery({
    queryKey: queryKeys.models.status(),
    queryFn: () => request(transport, 'models.status', {}),
    retry: shouldRetry,
  });
  const running = status.data?.models.some((m) => m.download?.state === 'running') ?? false;
  const live = useDownloadStates(started || running);

  if (isUnknownMethod(status.error) || !status.data) return null;

  const act = async (model: ModelKind, action: 'models.download' | 'models.cancelDownload') => {
    setActionError(null);
    if (action === 'models.download') setStarted(true);
    const result = await call(transport, action, { model });
    if (!result.ok) setActionError(result.error.message);
  };
  return (
    <div className="model-downloads" data-testid="model-downloads">
      {status.data.models
        .filter((model) => !kinds || kinds.includes(model.kind))
        .map((model) => (
          <ModelRow
            key={model.kind}
            model={model}
            view={downloadView(model, live[model.kind])}
            onDownload={() => void act(model.kind, 'models.download')}
            onCancel={() => void act(model.kind, 'models.cancelDownload')}
          />
        ))}
      {actionError && <p className="field-hint">{actionError}</p>}
    </div>
  );
}

export function ModelRow({
  model,
  view,
  onDownload,
  onCancel,
}: {
  model: ModelStatus;
  view: DownloadView;
  onDownload: () => void;
  onCancel: () => void;
}) {
  const title = TITLES[model.kind];
  const name = <code>{model.modelId}</code>;
  const copyHint = (where: string | null) =>
    where && <p className="field-hint">Or copy the model folder into {where}.</p>;
  switch (view.kind) {
    case 'present':
      return (
        <p className="field-hint" data-testid={`model-${model.kind}`}>
          <Icon name="check" size={14} /> {title} {name} is installed.
        </p>
      );
    case 'running':
      return (
        <div className="doc-progress" data-testid={`model-${model.kind}`}>
          <ProgressBar
            value={view.fraction ?? 0}
            indeterminate={view.fraction === null}
            label={`Downloading ${model.modelId}`}
          />
          <span className="doc-progress-text">
            Downloading {title.toLowerCase()}: {view.detail}
          </span>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      );
    case 'failed':
      return (
        <div className="callout callout-warn" role="alert" data-testid={`model-${model.kind}`}>
          <Icon name="alert" size={18} />
          <div>
            <p className="callout-title">The download of {name} failed</p>
            <p className="callout-text">{view.message}</p>
            <button type="button" className="btn" onClick={onDownload}>
              Retry
            </button>
          </div>
        </div>
      );
    case 'restart':
      return (
        <p className="field-hint" data-testid={`model-${model.kind}`}>
          {view.message}
        </p>
      );
    case 'cancelled':
    case 'missing':
      return (
        <div data-testid={`model-${model.kind}`}>
          <p className="field-hint">
            {title} {name} is not installed
            {view.kind === 'cancelled' ? '; its download was cancelled.' : '.'}
          </p>
          <button type="button" className="btn" onClick={onDownload}>
            {view.kind === 'missing' ? view.label : 'Download'}
          </button>
          {view.kind === 'missing' && copyHint(view.where)}
        </div>
      );
  }
}
