import { useConnectionState } from '../../hooks/transport-context';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  unauthorized: 'Access refused',
} as const;

export function ConnectionBadge() {
  const state = useConnectionState();
  return (
    <span
      className={`pill pill-${state}`}
      role="status"
      aria-live="polite"
      data-testid="connection-state"
      data-state={state}
    >
      <span className="pill-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
