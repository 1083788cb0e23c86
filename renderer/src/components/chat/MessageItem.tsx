import { memo, useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { AnswerChecks, EvidenceSpan } from '../../../../shared/answer-checks';
import type { Message } from '../../../../shared/contract/chat';
import { hasEvidence } from '../../chat/sentence-marks';
import { useLiveMessage } from '../../hooks/use-conversations';
import { Icon } from '../ui/Icon';
import { AnswerChecksSummary } from './AnswerChecksSummary';
import { ClosestMode, SearchMode } from './AnswerModes';
import { MarkdownAnswer } from './MarkdownAnswer';
import { StepTrail } from './StepTrail';
import { AskedAboutLabel } from './DocumentScope';

export type MessageCallbacks = {
  cite: (message: Message, n: number) => void;
  /** Opens the passage with the words that back a sentence marked. */
  evidence: (message: Message, span: EvidenceSpan) => void;
  showSources: (message: Message) => void;
  /** `answerAnyway`: write an answer even though the library does not cover the question. */
  regenerate: (message: Message, options?: { answerAnyway?: boolean }) => void;
  pickVersion: (turnKey: string, index: number, count: number) => void;
};

/** Where an answer sits among the versions of its turn. */
export type VersionPlace = {
  turnKey: string;
  index: number;
  count: number;
  /** Regenerating appends a version to the newest turn only, so only it offers Regenerate. */
  latestTurn: boolean;
};

function VersionSwitcher({ place, on }: { place: VersionPlace; on: MessageCallbacks }) {
  const { turnKey, index, count } = place;
  return (
    <span className="version-switcher" data-testid="version-switcher">
      <button
        type="button"
        className="icon-btn"
        aria-label="Previous version"
        disabled={index === 0}
        onClick={() => on.pickVersion(turnKey, index - 1, count)}
      >
        <Icon name="back" size={14} />
      </button>
      <span className="version-label" aria-label={`Version ${index + 1} of ${count}`}>
        {index + 1}/{count}
      </span>
      <button
        type="button"
        className="icon-btn"
        aria-label="Next version"
        disabled={index === count - 1}
        onClick={() => on.pickVersion(turnKey, index + 1, count)}
      >
        <Icon name="chevron" size={14} />
      </button>
    </span>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={copied ? 'Copied' : 'Copy answer'}
      title={copied ? 'Copied' : 'Copy'}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      <Icon name={copied ? 'check' : 'copy'} />
    </button>
  );
}

export function StatusNote({ message }: { message: Message }) {
  if (message.status === 'cancelled') {
    // A stop before the first token leaves nothing above: "partial" would be untrue.
    const shown =
      message.mode === 'search' || message.mode === 'closest'
        ? message.sources.length > 0 || message.text.trim() !== ''
        : message.text.trim() !== '';
    return (
      <p className="answer-note" data-testid="message-stopped">
        <Icon name="stop" size={12} />{' '}
        {shown ? 'Stopped. The answer above is partial.' : 'Stopped before any answer was written.'}
      </p>
    );
  }
  if (message.status === 'interrupted')
    return (
      <p className="answer-note" data-testid="message-interrupted">
        <Icon name="alert" size={12} /> Interrupted: Quire closed while answering.
      </p>
    );
  if (message.finishReason === 'length')
    return <p className="answer-note">The answer reached its length limit.</p>;
  return null;
}

function Assistant({
  message,
  on,
  place,
}: {
  message: Message;
  on: MessageCallbacks;
  place: VersionPlace | null;
}) {
  const live = useLiveMessage(message.id);
  const view = live ?? message;
  const streaming = view.status === 'streaming';
  // A stable callback: chips and memoised Markdown blocks must not re-render per token.
  const latest = useRef(view);
  useLayoutEffect(() => {
    latest.current = view;
  });
  const cite = useCallback((n: number) => on.cite(latest.current, n), [on]);
  // By the sentence's start: it stays the same while later checks replace the earlier ones.
  const evidence = useCallback(
    (start: number) => {
      const sentence = latest.current.checks?.sentences.find((s) => s.start === start);
      const span = sentence && hasEvidence(sentence) ? sentence.evidence[0] : undefined;
      if (span) on.evidence(latest.current, span);
    },
    [on],
  );
  const search = view.mode === 'search';
  const closest = view.mode === 'closest';
  // Neither mode writes an answer: there is no Markdown to show, copy or check.
  const written = !search && !closest;
  const waiting = streaming && !view.text && written;
  const versions = place !== null && place.count > 1;
  return (
    <article
      className={`message message-assistant${streaming ? ' is-streaming' : ''}`}
      aria-label="Answer"
      aria-busy={streaming || undefined}
      data-testid="assistant-message"
      data-status={view.status}
      data-message-id={view.id}
    >
      <div className="avatar" aria-hidden="true">
        Q
      </div>
      <div className="message-body">
        <StepTrail
          steps={live?.steps ?? []}
          finished={!streaming}
          totalMs={view.timings?.totalMs ?? null}
        />
        {waiting && (live?.steps.length ?? 0) === 0 && <p className="answer-waiting">Thinking…</p>}
        {search && <SearchMode message={view} streaming={streaming} onOpen={cite} />}
        {closest && (
          <ClosestMode
            message={view}
            streaming={streaming}
            canAnswer={place?.latestTurn ?? true}
            onOpen={cite}
            onAnswerAnyway={() => on.regenerate(view, { answerAnyway: true })}
          />
        )}
        {view.text && written && (
          <MarkdownAnswer
            text={view.text}
            sources={view.sources}
            onCite={cite}
            checks={view.checks}
            onEvidence={evidence}
            streaming={streaming}
          />
        )}
        {/* No text, nothing checked: a note on what the checks could not do would be noise. */}
        {written && view.text.trim() !== '' && (
          <AnswerChecksSummary checks={view.checks} text={view.text} streaming={streaming} />
        )}
        <StatusNote message={view} />
        {view.status === 'error' && view.error && (
          <div className="answer-error" role="alert" data-testid="message-error">
            <Icon name="alert" />
            <span>{view.error.message}</span>
            {view.error.retryable && (
              <button type="button" className="btn btn-small" onClick={() => on.regenerate(view)}>
                Retry
              </button>
            )}
          </div>
        )}
        {streaming && versions && (
          <div className="message-actions">
            <VersionSwitcher place={place!} on={on} />
          </div>
        )}
        {!streaming && (
          <div className="message-actions">
            {versions && <VersionSwitcher place={place!} on={on} />}
            {view.text && written && <CopyButton text={view.text} />}
            {(place?.latestTurn ?? true) && (
              <button
                type="button"
                className="icon-btn"
                aria-label="Regenerate answer"
                title="Regenerate"
                onClick={() => on.regenerate(view)}
              >
                <Icon name="regenerate" />
              </button>
            )}
            {view.sources.length > 0 && written && (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => on.showSources(view)}
              >
                {view.sources.length} {view.sources.length === 1 ? 'source' : 'sources'}
              </button>
            )}
            {view.model && <span className="message-model">{view.model}</span>}
          </div>
        )}
      </div>
    </article>
  );
}

/**
 * A refetched conversation brings new objects for unchanged messages; comparing what is
 * shown, not identity, keeps finished answers from being parsed again.
 */
type ItemProps = { message: Message; on: MessageCallbacks; place?: VersionPlace | null };

function samePlace(a: VersionPlace | null | undefined, b: VersionPlace | null | undefined) {
  return (
    a === b ||
    (!!a &&
      !!b &&
      a.turnKey === b.turnKey &&
      a.index === b.index &&
      a.count === b.count &&
      a.latestTurn === b.latestTurn)
  );
}

function sameChecks(a: AnswerChecks | null | undefined, b: AnswerChecks | null | undefined) {
  return a === b || (!!a && !!b && JSON.stringify(a) === JSON.stringify(b)) || (!a && !b);
}

function sameMessage(a: ItemProps, b: ItemProps) {
  const x = a.message;
  const y = b.message;
  return (
    a.on === b.on &&
    samePlace(a.place, b.place) &&
    x.id === y.id &&
    x.status === y.status &&
    x.text === y.text &&
    x.mode === y.mode &&
    x.finishReason === y.finishReason &&
    x.model === y.model &&
    x.error?.message === y.error?.message &&
    x.sources.length === y.sources.length &&
    x.sources.every((s, i) => s.chunkId === y.sources[i]?.chunkId) &&
    x.citations.join() === y.citations.join() &&
    sameChecks(x.checks, y.checks)
  );
}

/** Finished messages never re-render while another one streams. */
export const MessageItem = memo(function MessageItem({ message, on, place = null }: ItemProps) {
  if (message.role === 'user') {
    return (
      <article className="message message-user" aria-label="Question" data-testid="user-message">
        <div className="user-bubble">{message.text}</div>
        {message.documentId && <AskedAboutLabel documentId={message.documentId} />}
      </article>
    );
  }
  return <Assistant key={message.id} message={message} on={on} place={place} />;
}, sameMessage);
