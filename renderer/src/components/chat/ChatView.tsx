import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Message } from '../../../../shared/contract/chat';
import { isUnknownMethod } from '../../api/call';
import { useChatStreams, useNotify, useViewerActions } from '../../hooks/app-services';
import { useChatActions } from '../../hooks/use-chat';
import { useCollectionActions, useCollections, useNewChatScope } from '../../hooks/use-collections';
import { useConversation, useConversationList, useLiveStatus } from '../../hooks/use-conversations';
import { useDocumentQuestions } from '../../hooks/use-document-questions';
import { navigate } from '../../hooks/use-route';
import {
  groupTurns,
  panelTarget,
  type PanelState,
  type VersionChoice,
} from '../../chat/answer-versions';
import { requestComposerFocus } from '../../chat/composer-focus';
import { ChatEmpty } from './ChatEmpty';
import { Composer } from './Composer';
import { AboutDocumentChip, PinnedDocuments, WholeDocumentScope } from './DocumentScope';
import { ExportButton } from './ExportButton';
import type { MessageCallbacks } from './MessageItem';
import { MessageList } from './MessageList';
import { ScopePicker } from './ScopePicker';
import { SourcesPanel } from './SourcesPanel';

const NO_MESSAGES: Message[] = [];

export function ChatView({
  conversationId,
  aboutDocumentId = null,
}: {
  conversationId: string | null;
  /** A new chat opened by "Ask about this document". */
  aboutDocumentId?: string | null;
}) {
  const list = useConversationList();
  const detail = useConversation(conversationId);
  const chat = useChatActions();
  const chatStreams = useChatStreams();
  const viewer = useViewerActions();
  const notify = useNotify();
  const [pendingQuestion, setPendingQuestion] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelState | null>(null);
  const [choices, setChoices] = useState<Record<string, VersionChoice>>({});
  const collections = useCollections();
  const collectionActions = useCollectionActions();
  // A new chat's scope waits until its first question creates the conversation.
  const [newScope, setNewScope] = useNewChatScope();
  const [askWholeLibrary, setAskWholeLibrary] = useState(false);
  const questions = useDocumentQuestions();

  const messages = detail.data?.messages ?? NO_MESSAGES;
  const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant');
  const liveStatus = useLiveStatus(lastAssistant?.id ?? '-');
  const streamingId =
    lastAssistant && (liveStatus ?? lastAssistant.status) === 'streaming' ? lastAssistant.id : null;

  // Answers that were streaming when this window opened (reload, second window) resume.
  useEffect(() => {
    for (const m of messages)
      if (m.role === 'assistant' && m.status === 'streaming' && !chatStreams.isFollowing(m.id))
        chatStreams.follow(m.id, m.conversationId);
  }, [messages, chatStreams]);

  useEffect(() => setPanel(null), [conversationId]);
  const turns = useMemo(() => groupTurns(messages), [messages]);
  // Read when the panel opens: a question asked after that moves the panel to its answer.
  const newestTurn = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    newestTurn.current = turns[turns.length - 1]?.key;
  });
  const openPanel = useCallback(
    (messageId: string, n: number | null) =>
      setPanel({ messageId, n, newestTurn: newestTurn.current }),
    [],
  );
  // A conversation about one document goes on about it until the chip is cleared.
  const lastQuestion = [...messages].reverse().find((m) => m.role === 'user');
  const about = askWholeLibrary ? null : (aboutDocumentId ?? lastQuestion?.documentId ?? null);

  const on = useMemo<MessageCallbacks>(
    () => ({
      cite: (message, n) => {
        const source = message.sources.find((s) => s.n === n);
        openPanel(message.id, n);
        if (!source) return;
        viewer.open({
          documentId: source.documentId,
          title: source.title,
          page: source.pageStart,
          charStart: source.charStart,
          charEnd: source.charEnd,
          n,
        });
      },
      evidence: (message, span) => {
        const source = message.sources.find((s) => s.n === span.n);
        openPanel(message.id, span.n);
        if (!source) return;
        // Evidence offsets are inside the passage; the viewer takes the passage's own frame.
        const start = Math.min(source.charStart + span.start, source.charEnd);
        viewer.open({
          documentId: source.documentId,
          title: source.title,
          page: source.pageStart,
          charStart: start,
          charEnd: Math.max(start, Math.min(source.charStart + span.end, source.charEnd)),
          n: span.n,
          evidence: true,
        });
      },
      showSources: (message) => openPanel(message.id, null),
      regenerate: (message, options) => void chat.regenerate(message.id, options),
      pickVersion: (turnKey, index, count) =>
        setChoices((all) => ({ ...all, [turnKey]: { index, count } })),
    }),
    [viewer, chat, openPanel],
  );

  const send = useCallback(
    async (text: string) => {
      setPendingQuestion(text);
      const result = await chat.send(text, conversationId, { scope: newScope, documentId: about });
      setPendingQuestion(null);
      if (!result.ok) {
        notify('error', result.error.message);
        return false;
      }
      if (result.value.conversationId !== conversationId) {
        setNewScope({ kind: 'all' });
        // The new conversation's view replaces this one; the caret goes with it.
        requestComposerFocus();
        navigate({ view: 'chat', conversationId: result.value.conversationId });
      }
      return true;
    },
    [chat, conversationId, notify, newScope, setNewScope, about],
  );

  // Pinning in a new chat starts its conversation; the scope chosen here goes with it.
  const pinNew = useCallback(
    async (documentId: string) => {
      const conversation = await questions.pin(documentId, null);
      if (!conversation || newScope.kind === 'all') return;
      setNewScope({ kind: 'all' });
      await collectionActions.setScope(conversation.id, newScope);
    },
    [questions, newScope, setNewScope, collectionActions],
  );

  const stop = useCallback(() => {
    if (streamingId) void chat.stop(streamingId);
  }, [chat, streamingId]);

  const unavailable = isUnknownMethod(list.error);
  const shownPanel = panelTarget(turns, choices, panel, streamingId);
  const panelMessage = shownPanel ? messages.find((m) => m.id === shownPanel.messageId) : undefined;
  const panelQuestion = panelMessage
    ? (turns.find((t) => t.versions.includes(panelMessage))?.question?.text ?? null)
    : null;
  const title = detail.data?.conversation.title;
  const scope = conversationId ? detail.data?.conversation.scope : newScope;
  const missing = conversationId !== null && detail.isError && !unavailable;

  return (
    <section className="view chat-view" aria-label="Chat">
      <p className="sr-only" role="status">
        {streamingId ? 'Quire is writing the answer.' : lastAssistant ? 'The answer is ready.' : ''}
      </p>
      <header className="chat-header">
        <h2 className="chat-title" data-testid="chat-title" title={title}>
          {conversationId ? (title ?? '') : 'New chat'}
        </h2>
        {/* One group: it shrinks (pins first) before the title does, and wraps as a whole. */}
        <div className="chat-header-tools">
          {about ? (
            <WholeDocumentScope documentId={about} />
          ) : (
            <ScopePicker
              scope={scope}
              collections={collections}
              onChange={(next) =>
                conversationId
                  ? void collectionActions.setScope(conversationId, next)
                  : setNewScope(next)
              }
            />
          )}
          {(!conversationId || detail.data) && (
            <PinnedDocuments
              conversationId={conversationId}
              pinned={detail.data?.conversation.pinnedDocumentIds ?? []}
              onPinNew={(id) => void pinNew(id)}
            />
          )}
          {conversationId && messages.length > 0 && (
            <ExportButton conversationId={conversationId} />
          )}
        </div>
      </header>
      <div className={panelMessage ? 'chat-body with-panel' : 'chat-body'}>
        <div className="chat-column">
          {missing ? (
            <div className="empty-state">
              <p className="empty-title">This conversation is gone</p>
              <p className="empty-hint">It may have been deleted in another window.</p>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => navigate({ view: 'chat', conversationId: null })}
              >
                Start a new chat
              </button>
            </div>
          ) : messages.length === 0 && pendingQuestion === null ? (
            <ChatEmpty />
          ) : (
            <MessageList
              turns={turns}
              choices={choices}
              pendingQuestion={pendingQuestion}
              on={on}
            />
          )}
          {about && (
            <AboutDocumentChip documentId={about} onClear={() => setAskWholeLibrary(true)} />
          )}
          <Composer
            streaming={streamingId !== null}
            disabled={unavailable}
            disabledReason={
              unavailable
                ? 'Chat is not available in this version of the Quire core yet.'
                : undefined
            }
            onSend={send}
            onStop={stop}
          />
        </div>
        {panelMessage && (
          <SourcesPanel
            message={panelMessage}
            question={panelQuestion}
            active={shownPanel?.n ?? null}
            onOpen={(n) => on.cite(panelMessage, n)}
            onClose={() => setPanel(null)}
          />
        )}
      </div>
    </section>
  );
}
