import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { EmbeddingModelStatus } from '../../../../shared/contract/models';
import { formatScore } from '../../../../shared/embedding-catalog';
import { call, isUnknownMethod, request } from '../../api/call';
import { queryKeys } from '../../hooks/query-keys';
import { useTransport } from '../../hooks/transport-context';
import { shouldRetry } from '../../hooks/use-conversations';
import { Spinner } from '../ui/Icon';
import { describeEmbeddingModel, rowState, speedView } from './embedding-model-view';
import { FieldError } from './fields';

/** Each row's action (today Settings' "Choose"; a model switch can put its own button here). */
export type EmbeddingRowAction = (model: EmbeddingModelStatus) => ReactNode;

/**
 * The embedding models Quire offers, with the published figures (each linked to its source)
 * and the speed measured on this machine. Choosing and downloading stay with the caller.
 */
export function EmbeddingModelCatalog({
  recommendedId,
  action,
}: {
  recommendedId?: string;
  action?: EmbeddingRowAction;
}) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [started, setStarted] = useState<readonly string[]>([]);
  const catalog = useEmbeddingCatalog();
  if (isUnknownMethod(catalog.error) || !catalog.data) return null;

  const measure = async (id: string) => {
    setErrors(({ [id]: _, ...rest }) => rest);
    setStarted((ids) => [...ids, id]);
    const result = await call(transport, 'models.measureEmbeddingSpeed', { id });
    setStarted((ids) => ids.filter((other) => other !== id));
    if (!result.ok) setErrors((old) => ({ ...old, [id]: result.error.message }));
    await queryClient.invalidateQueries({ queryKey: queryKeys.models.embeddingCatalog() });
  };
  const { models, measuring, other } = catalog.data;
  return (
    <div className="catalog" data-testid="embedding-catalog">
      <ul className="catalog-list">
        {models.map((model) => (
          <EmbeddingModelRow
            key={model.id}
            model={model}
            recommended={model.id === recommendedId}
            measuring={measuring.includes(model.id) || started.includes(model.id)}
            error={errors[model.id] ?? null}
            onMeasure={() => void measure(model.id)}
            action={action?.(model)}
          />
        ))}
      </ul>
      {other && (
        <p className="field-hint" data-testid="embedding-other">
          In use: <code>{other.id}</code>, which is not in this list, so Quire has no published
          figures for it.
        </p>
      )}
      <p className="field-hint">
        Scores are published retrieval results (higher finds better passages); speed is measured on
        this computer with 200 sample passages.
      </p>
    </div>
  );
}

/** The catalogue as this machine sees it; shared by every screen that shows it. */
export function useEmbeddingCatalog() {
  const transport = useTransport();
  return useQuery({
    queryKey: queryKeys.models.embeddingCatalog(),
    queryFn: () => request(transport, 'models.embeddingCatalog', {}),
    retry: shouldRetry,
    // A measurement (asked for, or after a download) ends with a figure: look again until then.
    refetchInterval: (query) => (query.state.data?.measuring.length ? 2000 : false),
  });
}

export function EmbeddingModelRow({
  model,
  recommended,
  measuring,
  error,
  onMeasure,
  action,
}: {
  model: EmbeddingModelStatus;
  recommended: boolean;
  measuring: boolean;
  error: string | null;
  onMeasure: () => void;
  action?: ReactNode;
}) {
  const speed = speedView(model, measuring);
  return (
    <li
      className="catalog-row embed-row"
      data-testid={`embedding-${model.id}`}
      data-state={rowState(model)}
    >
      <div className="catalog-top">
        <div className="catalog-info">
          <p className="catalog-name">
            {model.name}
            {recommended && <span className="pill pill-accent">Recommended</span>}
            {model.inUse && <span className="pill pill-ok">In use</span>}
          </p>
          <p className="catalog-summary">{model.summary}</p>
          <p className="catalog-meta">
            {describeEmbeddingModel(model)}{' '}
            <SourceLink href={model.files.q8.source} label={`Sizes of ${model.name}`} />
          </p>
          <ul className="embed-figures" aria-label={`Published scores of ${model.name}`}>
            {model.quality.map((figure) => (
              <li key={figure.metric}>
                {figure.label} <strong>{formatScore(figure.value)}</strong>{' '}
                <SourceLink href={figure.source} label={`Source of ${figure.label}`} />
              </li>
            ))}
          </ul>
          <p className="embed-speed" data-testid="embedding-speed">
            {speed.kind === 'measured' && (
              <>
                <span>
                  Measured here: {speed.text} <span className="embed-when">({speed.when})</span>
                </span>
                <button type="button" className="btn-link" onClick={onMeasure}>
                  Measure again
                </button>
              </>
            )}
            {speed.kind === 'measuring' && (
              <span>
                <Spinner /> Measuring its speed on this computer…
              </span>
            )}
            {speed.kind === 'not-measured' && (
              <>
                <span>Speed here: not measured yet</span>
                {speed.canMeasure ? (
                  <button type="button" className="btn-link" onClick={onMeasure}>
                    Measure
                  </button>
                ) : (
                  <span className="embed-when">(measured after its download)</span>
                )}
              </>
            )}
          </p>
          <FieldError error={error} />
        </div>
        {action && <div className="catalog-action">{action}</div>}
      </div>
    </li>
  );
}

function SourceLink({ href, label }: { href: string; label: string }) {
  return (
    <a className="embed-source" href={href} target="_blank" rel="noreferrer noopener" title={href}>
      <span className="sr-only">{label}: </span>source
    </a>
  );
}
