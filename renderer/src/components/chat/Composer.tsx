import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { onComposerFocusRequest, requestComposerFocus } from '../../chat/composer-focus';
import { Icon } from '../ui/Icon';

type Props = {
  streaming: boolean;
  disabled: boolean;
  disabledReason?: string;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
};

/** Enter sends, Shift+Enter adds a line; while an answer streams, Send becomes Stop (or Esc). */
export function Composer({ streaming, disabled, disabledReason, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 220)}px`;
  }, [text]);

  // A layout effect: its cleanup runs while the box is still in the page, so a composer
  // that leaves with the caret (the route changed) hands it to the next one.
  useLayoutEffect(() => {
    const el = input.current;
    const unsubscribe = onComposerFocusRequest(() => el?.focus());
    return () => {
      unsubscribe();
      if (el && document.activeElement === el) requestComposerFocus();
    };
  }, []);

  useEffect(() => {
    if (!streaming) return;
    const onKey = (e: KeyboardEvent) => {
      // An open dialog owns Esc.
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        onStop();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [streaming, onStop]);

  const submit = async () => {
    const question = text.trim();
    if (!question || sending || streaming || disabled) return;
    setSending(true);
    setText('');
    const sent = await onSend(question);
    setSending(false);
    if (!sent) setText(question);
    input.current?.focus();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="composer-box">
        <textarea
          ref={input}
          aria-label="Your question"
          placeholder={disabled ? (disabledReason ?? '') : 'Ask a question about your documents…'}
          rows={1}
          value={text}
          disabled={disabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        {streaming ? (
          <button
            type="button"
            className="btn btn-stop"
            onClick={onStop}
            aria-keyshortcuts="Escape"
          >
            <Icon name="stop" /> Stop
          </button>
        ) : (
          <button
            type="submit"
            className="btn btn-primary btn-send"
            disabled={disabled || sending || !text.trim()}
          >
            <Icon name="send" /> Send
          </button>
        )}
      </div>
      <p className="composer-hint">
        {disabled && disabledReason
          ? disabledReason
          : streaming
            ? 'Esc stops the answer; what was written so far is kept.'
            : 'Enter to send · Shift+Enter for a new line'}
      </p>
    </form>
  );
}
