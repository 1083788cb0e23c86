import { Fragment, useLayoutEffect, useRef } from 'react';
import { shownVersionIndex, type Turn, type VersionChoice } from '../../chat/answer-versions';
import { MessageItem, type MessageCallbacks } from './MessageItem';

/** Stays pinned to the newest text while the reader is at the bottom; leaves them be otherwise. */
export function MessageList({
  turns,
  choices,
  pendingQuestion,
  on,
}: {
  turns: readonly Turn[];
  choices: Readonly<Record<string, VersionChoice>>;
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
  }, [turns.length, pendingQuestion]);

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
        {turns.map((turn, i) => {
          const index = shownVersionIndex(turn, choices[turn.key]);
          const shown = turn.versions[index];
          return (
            <Fragment key={turn.key}>
              {turn.question && <MessageItem message={turn.question} on={on} />}
              {shown && (
                <MessageItem
                  message={shown}
                  on={on}
                  place={{
                    turnKey: turn.key,
                    index,
                    count: turn.versions.length,
                    latestTurn: i === turns.length - 1,
                  }}
                />
              )}
            </Fragment>
          );
        })}
        {pendingQuestion !== null && (
          <article className="message message-user message-pending" aria-label="Question">
            <div className="user-bubble">{pendingQuestion}</div>
          </article>
        )}
      </div>
    </div>
  );
}
