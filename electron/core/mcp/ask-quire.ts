import type { Message } from '../../../shared/contract/chat';
import { QuireError, type QuireErrorShape } from '../../../shared/errors';
import type { StreamEvent } from '../../../shared/events';
import type { QuireCore } from '../quire-core';

/**
 * Asks through `chat.send`, exactly as the app's chat does, and waits for the answer to end.
 * Resolves with the saved assistant message (text, mode, sources, citations).
 */
export async function askQuire(
  core: Pick<QuireCore, 'dispatch' | 'hub' | 'conversations'>,
  question: string,
  signal?: AbortSignal,
  /** Each step label as it starts, and the answer's length as it grows. */
  onProgress?: (progress: number, label: string) => void,
): Promise<{ message: Message; error: QuireErrorShape | null }> {
  const sent = await core.dispatch(
    'chat.send',
    { text: question },
    { transport: 'memory', connection: null },
  );
  if (!sent.ok) throw new QuireError(sent.error.code, sent.error.message);
  const { stream, messageId } = sent.value as { stream: string; messageId: string };
  const stop = () =>
    void core.dispatch('chat.stop', { messageId }, { transport: 'memory', connection: null });
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const last = await new Promise<StreamEvent>((resolve) => {
      const isLast = (event: StreamEvent) =>
        event.type === 'message.end' || event.type === 'message.error';
      const sub = core.hub.subscribe(stream, {
        afterSeq: 0,
        listener: (event) => {
          if (event.type === 'step' && event.data.status === 'running')
            onProgress?.(event.seq, event.data.label);
          else if (event.type === 'message.delta') onProgress?.(event.seq, 'Writing the answer');
          if (!isLast(event)) return;
          sub.unsubscribe();
          resolve(event);
        },
      });
      const done = sub.events.find(isLast);
      if (done) {
        sub.unsubscribe();
        resolve(done);
      }
    });
    const message = core.conversations.getMessage(messageId);
    if (!message) throw new QuireError('internal', 'The answer was not saved.');
    const error =
      last.type === 'message.error' ? { code: last.data.code, message: last.data.message } : null;
    return { message, error };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
