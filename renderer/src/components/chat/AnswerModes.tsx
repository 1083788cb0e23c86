import type { Message } from '../../../../shared/contract/chat';
import { useCan } from '../../hooks/use-access';
import { navigate } from '../../hooks/use-route';
import { Icon } from '../ui/Icon';
import { SourceList } from './SourceList';

/** No model: the passages that match best are the answer, with the way to set one up. */
export function SearchMode({
  message,
  streaming,
  onOpen,
}: {
  message: Message;
  streaming: boolean;
  onOpen: (n: number) => void;
}) {
  // Setting up a model is the owner's: a team member is not sent to a form they cannot use.
  const maySetUp = useCan()('settings.update');
  return (
    <div className="search-mode" data-testid="search-mode">
      <p className="search-mode-title">
        <Icon name="search" size={14} /> The passages that match best
      </p>
      <p className="search-mode-hint">
        {message.text ||
          'No language model is set up, so Quire shows what it found instead of writing an answer.'}
      </p>
      {maySetUp && (
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => navigate({ view: 'settings' })}
        >
          <Icon name="sparkle" size={14} /> Set up a model
        </button>
      )}
      {message.sources.length > 0 ? (
        <SourceList sources={message.sources} onOpen={onOpen} />
      ) : (
        !streaming && <p className="search-mode-hint">Nothing in the library matches.</p>
      )}
    </div>
  );
}

/**
 * The library does not cover the question: the core says so in the message's text, nothing
 * was written from the passages, and they are shown as what they are, the closest matches.
 * "Answer anyway" asks for an answer from them regardless, as a new version of this one.
 */
export function ClosestMode({
  message,
  streaming,
  canAnswer,
  onOpen,
  onAnswerAnyway,
}: {
  message: Message;
  streaming: boolean;
  /** Only the newest turn takes a new version. */
  canAnswer: boolean;
  onOpen: (n: number) => void;
  onAnswerAnyway: () => void;
}) {
  return (
    <div className="search-mode closest-mode" data-testid="closest-mode">
      <p className="closest-title">{message.text.trim() || 'Your documents don’t say.'}</p>
      {!streaming && canAnswer && (
        <button type="button" className="btn btn-small" onClick={onAnswerAnyway}>
          <Icon name="sparkle" size={14} /> Answer anyway
        </button>
      )}
      {message.sources.length > 0 && (
        <>
          <p className="search-mode-title closest-heading">Closest matches</p>
          <SourceList sources={message.sources} onOpen={onOpen} />
        </>
      )}
    </div>
  );
}
