import { memo, useState } from 'react';
import { describeScope } from '../../../../shared/collections';
import type { Conversation } from '../../api/event-types';
import { routeHash } from '../../hooks/use-route';
import { useCollections } from '../../hooks/use-collections';
import { Icon } from '../ui/Icon';

export function relativeTime(ms: number, now: number): string {
  const min = Math.round((now - ms) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  return new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export const ConversationItem = memo(function ConversationItem({
  conversation,
  active,
  now,
  onRename,
  onDelete,
}: {
  conversation: Conversation;
  active: boolean;
  /** The sidebar's clock, a minute apart, so that "just now" ages. */
  now: number;
  onRename: (id: string, title: string) => void;
  onDelete: (conversation: Conversation) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(conversation.title);
  const collections = useCollections();
  const scoped = conversation.scope && conversation.scope.kind !== 'all';

  if (editing) {
    const commit = () => {
      const title = draft.trim();
      setEditing(false);
      if (title && title !== conversation.title) onRename(conversation.id, title);
    };
    return (
      <li className="conv-item editing">
        <input
          className="conv-rename"
          aria-label="Conversation name"
          value={draft}
          autoFocus
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              e.preventDefault();
              setEditing(false);
            }
          }}
        />
      </li>
    );
  }
  return (
    <li className={active ? 'conv-item active' : 'conv-item'} data-testid="conversation-item">
      <a
        className="conv-link"
        href={routeHash({ view: 'chat', conversationId: conversation.id })}
        aria-current={active ? 'page' : undefined}
      >
        <span className="conv-title">{conversation.title}</span>
        {scoped && (
          <span className="conv-scope" data-testid="conversation-scope">
            {describeScope(conversation.scope, (id) => collections.find((c) => c.id === id)?.name)}
          </span>
        )}
        <span className="conv-time" data-testid="conversation-time">
          {relativeTime(conversation.updatedAt, now)}
        </span>
      </a>
      <span className="conv-actions">
        <button
          type="button"
          className="icon-btn"
          aria-label={`Rename "${conversation.title}"`}
          title="Rename"
          onClick={() => {
            setDraft(conversation.title);
            setEditing(true);
          }}
        >
          <Icon name="edit" size={14} />
        </button>
        <button
          type="button"
          className="icon-btn icon-btn-danger"
          aria-label={`Delete "${conversation.title}"`}
          title="Delete"
          onClick={() => onDelete(conversation)}
        >
          <Icon name="trash" size={14} />
        </button>
      </span>
    </li>
  );
});
