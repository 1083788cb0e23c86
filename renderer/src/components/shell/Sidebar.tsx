import { useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useState } from 'react';
import type { Conversation } from '../../api/event-types';
import { isUnknownMethod, request } from '../../api/call';
import { requestComposerFocus } from '../../chat/composer-focus';
import { filterConversations } from '../../chat/conversation-reducer';
import { queryKeys } from '../../hooks/query-keys';
import { useTransport } from '../../hooks/transport-context';
import { useAccess } from '../../hooks/use-access';
import { useConversationActions, useConversationList } from '../../hooks/use-conversations';
import { useLibrary } from '../../hooks/use-library';
import { useNow } from '../../hooks/use-now';
import { navigate, routeHash, type Route } from '../../hooks/use-route';
import { useUnsavedSettings } from '../../hooks/use-settings';
import { ConnectionBadge } from './ConnectionBadge';
import { ConfirmDialog } from '../ui/Dialog';
import { Icon } from '../ui/Icon';
import { ConversationItem } from './ConversationItem';

function NavLink({
  route,
  current,
  icon,
  label,
  badge,
}: {
  route: Route;
  current: Route;
  icon: 'library' | 'settings';
  label: string;
  badge?: { text: string; tone: 'busy' | 'danger' } | null;
}) {
  return (
    <a
      className="nav-link"
      href={routeHash(route)}
      aria-current={current.view === route.view ? 'page' : undefined}
    >
      <Icon name={icon} />
      <span>{label}</span>
      {badge && <span className={`nav-badge nav-badge-${badge.tone}`}>{badge.text}</span>}
    </a>
  );
}

export function Sidebar({ route }: { route: Route }) {
  const transport = useTransport();
  const list = useConversationList();
  const actions = useConversationActions();
  const library = useLibrary();
  const info = useQuery({
    queryKey: queryKeys.app.info(),
    queryFn: () => request(transport, 'app.info', {}),
  });
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter);
  const [deleting, setDeleting] = useState<Conversation | null>(null);
  const activeId = route.view === 'chat' ? route.conversationId : null;
  const unsavedSettings = useUnsavedSettings();
  const { principal } = useAccess();
  const now = useNow();

  const rename = useCallback(
    (id: string, title: string) => void actions.rename(id, title),
    [actions],
  );
  const conversations = filterConversations(list.data ?? [], deferred);
  const totals = library?.totals;
  const libraryBadge = totals?.indexing
    ? { text: `${totals.indexing} indexing`, tone: 'busy' as const }
    : totals?.failed
      ? { text: `${totals.failed} failed`, tone: 'danger' as const }
      : null;

  return (
    <nav className="sidebar" aria-label="Quire">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          Q
        </span>
        <h1 className="brand-name">Quire</h1>
      </div>
      <button
        type="button"
        className="btn btn-new-chat"
        onClick={() => {
          requestComposerFocus();
          navigate({ view: 'chat', conversationId: null });
        }}
      >
        <Icon name="plus" /> New chat
      </button>
      <label className="search-field sidebar-search">
        <Icon name="search" size={14} />
        <input
          type="search"
          placeholder="Filter conversations"
          aria-label="Filter conversations"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </label>
      <div className="conv-scroll">
        {isUnknownMethod(list.error) ? (
          <p className="conv-none">Conversations appear here once chat is available.</p>
        ) : conversations.length === 0 ? (
          <p className="conv-none">
            {filter ? 'No conversation matches.' : 'No conversations yet.'}
          </p>
        ) : (
          <ul className="conv-list" aria-label="Conversations">
            {conversations.map((c) => (
              <ConversationItem
                key={c.id}
                conversation={c}
                active={c.id === activeId}
                now={now}
                onRename={rename}
                onDelete={setDeleting}
              />
            ))}
          </ul>
        )}
      </div>
      <div className="sidebar-footer">
        <NavLink
          route={{ view: 'library' }}
          current={route}
          icon="library"
          label="Library"
          badge={libraryBadge}
        />
        <NavLink
          route={{ view: 'settings' }}
          current={route}
          icon="settings"
          label="Settings"
          badge={unsavedSettings ? { text: 'Unsaved', tone: 'busy' } : null}
        />
        <div className="sidebar-status">
          <ConnectionBadge />
          {/* On a team server, whose window this is: Settings says what the role allows. */}
          {principal && principal.role !== 'owner' && (
            <span
              className="pill"
              data-testid="signed-in-as"
              title={`Signed in as ${principal.name}, ${principal.role === 'editor' ? 'an' : 'a'} ${principal.role}`}
            >
              <Icon name="lock" size={12} /> {principal.name} · {principal.role}
            </span>
          )}
          {info.data?.offline && (
            // "Offline" beside a green "Connected" read as a contradiction: this one is about
            // the network (none used), the other about this window's link to Quire.
            <span
              className="pill pill-offline"
              data-testid="local-only"
              title="Local only: no remote provider is active, so nothing leaves this machine."
            >
              <Icon name="shield" size={12} /> Local only
            </span>
          )}
        </div>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete conversation?"
        description={
          <>
            <strong>{deleting?.title}</strong> and all its messages will be deleted. This cannot be
            undone.
          </>
        }
        confirmLabel="Delete"
        danger
        onConfirm={() => {
          if (!deleting) return;
          const id = deleting.id;
          void actions.remove(id).then((ok) => {
            if (ok && activeId === id) navigate({ view: 'chat', conversationId: null });
          });
        }}
        onClose={() => setDeleting(null)}
      />
    </nav>
  );
}
