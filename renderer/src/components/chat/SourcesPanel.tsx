import type { Message } from '../../../../shared/contract/chat';
import { useLiveMessage } from '../../hooks/use-conversations';
import { plural } from '../../library/format';
import { Icon } from '../ui/Icon';
import { SourceList } from './SourceList';

/** The sources of one answer, beside the conversation. */
export function SourcesPanel({
  message,
  question,
  active,
  onOpen,
  onClose,
}: {
  message: Message;
  /** The question the answer answers: several answers' sources look alike. */
  question: string | null;
  active: number | null;
  onOpen: (n: number) => void;
  onClose: () => void;
}) {
  // While the answer streams, its sources exist only in the live state.
  message = useLiveMessage(message.id) ?? message;
  const streaming = message.status === 'streaming';
  if (message.sources.length === 0 && !streaming) return null;
  const cited = new Set(message.citations);
  return (
    <aside
      className="sources-panel"
      aria-label="Sources"
      aria-busy={streaming || undefined}
      data-testid="sources-panel"
      data-message-id={message.id}
    >
      <header className="panel-header">
        <h3>Sources</h3>
        <button type="button" className="icon-btn" aria-label="Hide sources" onClick={onClose}>
          <Icon name="x" />
        </button>
      </header>
      {question && (
        <p className="panel-question" data-testid="sources-question" title={question}>
          For “{question}”
        </p>
      )}
      <p className="panel-hint" data-testid="sources-hint">
        {message.sources.length === 0
          ? 'Finding sources…'
          : cited.size > 0
            ? `The answer cites ${cited.size} of ${plural(message.sources.length, 'passage')}.`
            : `${plural(message.sources.length, 'passage')} ${message.sources.length === 1 ? 'was' : 'were'} retrieved.`}
      </p>
      <SourceList
        sources={message.sources}
        active={active}
        cited={message.citations}
        onOpen={onOpen}
      />
    </aside>
  );
}
