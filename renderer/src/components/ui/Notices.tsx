import { useNoticeActions, useNotices } from '../../hooks/app-services';
import { Icon } from './Icon';

/** Outcomes of actions (added, skipped, failed), announced politely to screen readers. */
export function Notices() {
  const notices = useNotices();
  const { dismiss } = useNoticeActions();
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`}>
          <Icon name={n.tone === 'error' ? 'alert' : n.tone === 'success' ? 'check' : 'sparkle'} />
          <span className="notice-text">{n.text}</span>
          <button
            type="button"
            className="icon-btn"
            aria-label="Dismiss"
            onClick={() => dismiss(n.id)}
          >
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
