import { useConnectionState } from '../../hooks/transport-context';

/** What each state means, on hover: the badge is about this window's link to Quire. */
const TITLES = {
  connecting: 'This window is connecting to Quire on this machine.',
  connected: 'This window is connected to Quire on this machine.',
  reconnecting: 'This window lost its link to Quire and is reconnecting.',
  disconnected: 'This window is not connected to Quire.',
  unauthorized: 'Quire refused this window: open it again from the app.',
} as const;

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
      title={TITLES[state]}
    >
      <span className="pill-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
