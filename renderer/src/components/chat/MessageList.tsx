import { useLayoutEffect, useRef } from 'react';
import type { Message } from '../../../../shared/contract/chat';
import { MessageItem, type MessageCallbacks } from './MessageItem';

/** Stays pinned to the newest text while the reader is at the bottom; leaves them be otherwise. */
export function MessageList({
  messages,
  pendingQuestion,
  on,
}: {
  messages: readonly Message[];
  pendingQuestion: string | null;
  on: MessageCallbacks;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Streaming changes the height without re-rendering this list: watch the content box.
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    const content = el.firstElementChild;
    if (content) observer.observe(content);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, pendingQuestion]);

  return (
    <div
      className="message-scroller"
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      <div className="message-list" role="log" aria-label="Conversation" aria-live="off">
        {messages.map((m) => (
          <MessageItem key={m.id} message={m} on={on} />
        ))}
        {pendingQuestion !== null && (
          <article className="message message-user message-pending" aria-label="Question">
            <div className="user-bubble">{pendingQuestion}</div>
          </article>
        )}
      </div>
    </div>
  );
}
