import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { queryKeys } from '../../hooks/query-keys';
import { call } from '../../api/call';
import { useLibrary } from '../../hooks/use-library';
import { useTransport } from '../../hooks/transport-context';
import { ProgressBar } from '../ui/ProgressBar';
import { modelSwitchView } from './model-switch-view';

const METHODS = {
  pause: 'models.switchPause',
  resume: 'models.switchResume',
  cancel: 'models.switchCancel',
} as const;
const LABELS = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel switch' } as const;

/** The embedding model switch as it runs: progress, time left, pause, resume and cancel. */
export function ModelSwitchPanel() {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const state = useLibrary()?.modelSwitch;
  const [error, setError] = useState<string | null>(null);
  const view = modelSwitchView(state);
  const ended = state?.state === 'done';
  // The switch's end changes which model the settings name, and what is installed.
  useEffect(() => {
    if (!ended) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.settings.all() });
    void queryClient.invalidateQueries({ queryKey: queryKeys.models.all() });
  }, [ended, queryClient]);
  if (!view) return null;
  const act = async (action: keyof typeof METHODS) => {
    setError(null);
    const result = await call(transport, METHODS[action], {});
    if (!result.ok) setError(result.error.message);
  };
  return (
    <div
      className={`model-switch model-switch-${view.tone}`}
      data-testid="model-switch"
      role="status"
    >
      <p className="model-switch-title">{view.title}</p>
      {view.fraction !== null && (
        <ProgressBar
          value={view.fraction}
          label={`Switching to ${state?.targetModel ?? 'the new model'}`}
        />
      )}
      {view.detail && <p className="field-hint">{view.detail}</p>}
      {view.actions.length > 0 && (
        <div className="model-switch-actions">
          {view.actions.map((action) => (
            <button
              key={action}
              type="button"
              className="btn btn-small"
              onClick={() => void act(action)}
            >
              {LABELS[action]}
            </button>
          ))}
        </div>
      )}
      {error && <p className="field-hint">{error}</p>}
    </div>
  );
}
