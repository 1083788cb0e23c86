import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { ChatStreams } from '../chat/chat-streams';
import { useTransport } from './transport-context';

/** What the document viewer opens: a document, and the cited passage in it. */
export type ViewerTarget = {
  documentId: string;
  title: string;
  page: number | null;
  charStart: number;
  charEnd: number;
  /** Which citation opened it, for the heading ("Source 2"). */
  n?: number;
  /** The range is the words that back a sentence of the answer, not the whole passage. */
  evidence?: boolean;
};

export type Notice = { id: number; tone: 'info' | 'success' | 'error'; text: string };

type ViewerActions = { open: (target: ViewerTarget) => void; close: () => void };
type NoticeActions = {
  /** Shows a notice; its id lets a later outcome take its place (see `dismiss`). */
  notify: (tone: Notice['tone'], text: string) => number;
  dismiss: (id: number) => void;
};

// State and actions live in separate contexts: components that only act never re-render.
const ChatStreamsContext = createContext<ChatStreams | null>(null);
const ViewerTargetContext = createContext<ViewerTarget | null>(null);
const ViewerActionsContext = createContext<ViewerActions | null>(null);
const NoticesContext = createContext<Notice[]>([]);
const NoticeActionsContext = createContext<NoticeActions | null>(null);
let nextNoticeId = 1;

export function AppServicesProvider({ children }: { children: ReactNode }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const chatStreams = useMemo(
    () => new ChatStreams(transport, queryClient),
    [transport, queryClient],
  );
  useEffect(() => () => chatStreams.dispose(), [chatStreams]);

  const [viewer, setViewer] = useState<ViewerTarget | null>(null);
  const viewerActions = useMemo<ViewerActions>(
    () => ({ open: setViewer, close: () => setViewer(null) }),
    [],
  );

  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback(
    (id: number) => setNotices((list) => list.filter((n) => n.id !== id)),
    [],
  );
  const notify = useCallback(
    (tone: Notice['tone'], text: string) => {
      const id = nextNoticeId++;
      setNotices((list) => [...list.slice(-3), { id, tone, text }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 12_000 : 6_000);
      return id;
    },
    [dismiss],
  );
  const noticeActions = useMemo(() => ({ notify, dismiss }), [notify, dismiss]);

  return (
    <ChatStreamsContext.Provider value={chatStreams}>
      <ViewerActionsContext.Provider value={viewerActions}>
        <NoticeActionsContext.Provider value={noticeActions}>
          <ViewerTargetContext.Provider value={viewer}>
            <NoticesContext.Provider value={notices}>{children}</NoticesContext.Provider>
          </ViewerTargetContext.Provider>
        </NoticeActionsContext.Provider>
      </ViewerActionsContext.Provider>
    </ChatStreamsContext.Provider>
  );
}

function required<T>(value: T | null, name: string): T {
  if (value === null) throw new Error(`${name} must be used inside AppServicesProvider`);
  return value;
}

export const useChatStreams = () => required(useContext(ChatStreamsContext), 'useChatStreams');
export const useViewerActions = () =>
  required(useContext(ViewerActionsContext), 'useViewerActions');
export const useViewerTarget = () => useContext(ViewerTargetContext);
export const useNotify = () => required(useContext(NoticeActionsContext), 'useNotify').notify;
export const useNoticeActions = () =>
  required(useContext(NoticeActionsContext), 'useNoticeActions');
export const useNotices = () => useContext(NoticesContext);
