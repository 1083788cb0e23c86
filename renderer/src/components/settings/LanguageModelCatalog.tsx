import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LanguageModelStatus } from '../../../../shared/contract/models';
import { downloadKey } from '../../../../shared/models';
import { call, isUnknownMethod, request } from '../../api/call';
import { queryKeys } from '../../hooks/query-keys';
import { useTransport } from '../../hooks/transport-context';
import { shouldRetry } from '../../hooks/use-conversations';
import { useDownloadStates } from '../../hooks/use-download-states';
import { Icon } from '../ui/Icon';
import { ProgressBar } from '../ui/ProgressBar';
import { FieldError } from './fields';
import { catalogRowView, describeModel, fitText, type CatalogRowView } from './language-model-view';

/** Small chat models to download; the one that finishes becomes the model that answers. */
export function LanguageModelCatalog() {
  const transport = useTransport();
  const [actionError, setActionError] = useState<string | null>(null);
  const [started, setStarted] = useState(false);
  const catalog = useQuery({
    queryKey: queryKeys.models.catalog(),
    queryFn: () => request(transport, 'models.catalog', {}),
    retry: shouldRetry,
  });
  const running = catalog.data?.models.some((m) => m.download?.state === 'running') ?? false;
  const live = useDownloadStates(started || running);
  if (isUnknownMethod(catalog.error) || !catalog.data) return null;

  const act = async (
    id: string,
    action: 'models.downloadLanguageModel' | 'models.cancelLanguageModel',
  ) => {
    setActionError(null);
    if (action === 'models.downloadLanguageModel') setStarted(true);
    const result = await call(transport, action, { id });
    if (!result.ok) setActionError(result.error.message);
  };
  const { models, totalMemoryBytes, recommendedId } = catalog.data;
  return (
    <div className="catalog" data-testid="model-catalog">
      <ul className="catalog-list">
        {models.map((model) => (
          <CatalogRow
            key={model.id}
            model={model}
            recommended={model.id === recommendedId}
            fit={fitText(model, totalMemoryBytes)}
            view={catalogRowView(model, live[downloadKey({ kind: 'language', modelId: model.id })])}
            onDownload={() => void act(model.id, 'models.downloadLanguageModel')}
            onCancel={() => void act(model.id, 'models.cancelLanguageModel')}
          />
        ))}
      </ul>
      <FieldError error={actionError} />
      <p className="field-hint">
        Downloads come from Hugging Face, resume if the connection drops, and are checked before
        use. Nothing else leaves this machine.
      </p>
    </div>
  );
}

export function CatalogRow({
  model,
  recommended,
  fit,
  view,
  onDownload,
  onCancel,
}: {
  model: LanguageModelStatus;
  recommended: boolean;
  fit: string;
  view: CatalogRowView;
  onDownload: () => void;
  onCancel: () => void;
}) {
  return (
    <li className="catalog-row" data-testid={`catalog-${model.id}`} data-state={view.kind}>
      <div className="catalog-top">
        <div className="catalog-info">
          <p className="catalog-name">
            {model.name}
            {recommended && <span className="pill pill-accent">Recommended</span>}
            {view.kind === 'in-use' && <span className="pill pill-ok">In use</span>}
          </p>
          <p className="catalog-summary">{model.summary}</p>
          <p className="catalog-meta">{describeModel(model)}</p>
          <p className={model.fitsInMemory ? 'catalog-fit' : 'catalog-fit catalog-fit-warn'}>
            <Icon name={model.fitsInMemory ? 'check' : 'alert'} size={13} /> {fit}
          </p>
        </div>
        <div className="catalog-action">
          <CatalogAction
            model={model}
            recommended={recommended}
            view={view}
            onDownload={onDownload}
            onCancel={onCancel}
          />
        </div>
      </div>
      {view.kind === 'failed' && <DownloadFailure model={model} message={view.message} />}
    </li>
  );
}

/** The folder part of a path, whichever separator the core's platform uses. */
function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}

/**
 * A failed download, the full width of the row: squeezed beside the button it ran to six
 * lines. It names the one file a hand-made install needs, and where it goes.
 */
function DownloadFailure({ model, message }: { model: LanguageModelStatus; message: string }) {
  const folder = model.path ? folderOf(model.path) : null;
  return (
    <div className="catalog-error" role="alert" data-testid="catalog-error">
      <Icon name="alert" size={16} />
      <div>
        <p className="catalog-error-text">{message}</p>
        {folder && (
          <p className="catalog-error-hint">
            Quire looks for the file <code>{model.file}</code>{' '}
            {/* The core's message may already name the folder: say it once. */}
            {message.includes(folder) ? (
              'in that folder'
            ) : (
              <>
                in <code>{folder}</code>
              </>
            )}
            . Copy it there from another computer, then press Retry.
          </p>
        )}
      </div>
    </div>
  );
}

function CatalogAction({
  model,
  recommended,
  view,
  onDownload,
  onCancel,
}: {
  model: LanguageModelStatus;
  recommended: boolean;
  view: CatalogRowView;
  onDownload: () => void;
  onCancel: () => void;
}) {
  switch (view.kind) {
    case 'in-use':
      return (
        <span className="catalog-state">
          <Icon name="check" size={14} /> Ready to answer
        </span>
      );
    case 'present':
      return (
        <button type="button" className="btn btn-small" onClick={onDownload}>
          Use this model
        </button>
      );
    case 'running':
      return (
        <div className="catalog-progress">
          <ProgressBar
            value={view.fraction ?? 0}
            indeterminate={view.fraction === null}
            label={`Downloading ${model.name}`}
          />
          <span className="doc-progress-text">{view.detail}</span>
          <button type="button" className="btn btn-ghost btn-small" onClick={onCancel}>
            Cancel
          </button>
        </div>
      );
    case 'failed':
      // The message itself is under the row (DownloadFailure), where it has room.
      return (
        <button type="button" className="btn btn-small" onClick={onDownload}>
          Retry
        </button>
      );
    case 'missing':
      return (
        <div>
          {view.cancelled && <p className="field-hint">Download cancelled.</p>}
          <button
            type="button"
            className={recommended ? 'btn btn-small btn-primary' : 'btn btn-small'}
            onClick={onDownload}
          >
            {view.label}
          </button>
        </div>
      );
  }
}
