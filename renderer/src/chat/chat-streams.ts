import type { QueryClient } from '@tanstack/react-query';
import type { StreamEvent } from '../api/event-types';
import { chatStream } from '../../../shared/streams';
import type { Transport } from '../../../shared/transport';
import type { ConversationDetail } from '../api/call';
import { queryKeys } from '../hooks/query-keys';
import { createFrameBatcher, type FrameBatcher, type Scheduler } from '../lib/frame-batcher';
import {
  applyChatEvents,
  fromMessage,
  isFinished,
  pendingAssistant,
  type ChatMessage,
} from './message-reducer';

type Followed = {
  state: ChatMessage;
  batcher: FrameBatcher<StreamEvent>;
  unfollow: () => void;
};

/**
 * Follows assistant messages while they stream. Events are queued and reduced into the
 * query cache once per animation frame, so a fast token stream costs one render per frame.
 * Every follow returns its unsubscribe; a finished message unsubscribes itself.
 */
export class ChatStreams {
  private readonly followed = new Map<string, Followed>();

  constructor(
    private readonly transport: Transport,
    private readonly queryClient: QueryClient,
    private readonly schedule?: Scheduler,
  ) {}

  isFollowing(messageId: string): boolean {
    return this.followed.has(messageId);
  }

  follow(messageId: string, conversationId: string, base?: ChatMessage): () => void {
    const existing = this.followed.get(messageId);
    if (existing) return existing.unfollow;
    const key = queryKeys.chat.live(messageId);
    // Already streamed to its end here: a stale copy saying "streaming" changes nothing.
    const known = this.queryClient.getQueryData<ChatMessage>(key);
    if (known && !base && isFinished(known)) return () => {};
    const initial =
      base ??
      this.queryClient.getQueryData<ChatMessage>(key) ??
      pendingAssistant(messageId, conversationId);
    // Replaying from seq 0 rebuilds the whole answer: message.start resets it.
    const entry: Followed = {
      state: { ...initial, lastSeq: 0 },
      batcher: createFrameBatcher((events) => this.apply(messageId, events), this.schedule),
      unfollow: () => {},
    };
    this.followed.set(messageId, entry);
    this.queryClient.setQueryData(key, entry.state);
    const stop = this.transport.follow(
      chatStream(messageId),
      {
        onSnapshot: (result) => {
          // Only after a gap too old to replay: restart from what the core says now.
          entry.batcher.flush();
          const message = result.snapshot;
          entry.state = message
            ? { ...fromMessage(message, result.lastSeq), steps: entry.state.steps }
            : { ...entry.state, lastSeq: result.lastSeq, gap: true };
          this.publish(messageId, entry.state);
        },
        onEvent: (event) => entry.batcher.push(event),
      },
      0,
    );
    entry.unfollow = () => {
      entry.batcher.flush();
      entry.batcher.cancel();
      stop();
      if (this.followed.get(messageId) === entry) this.followed.delete(messageId);
    };
    return entry.unfollow;
  }

  /** Stops following everything (the app is closing or the transport changed). */
  dispose(): void {
    for (const entry of [...this.followed.values()]) entry.unfollow();
  }

  private apply(messageId: string, events: StreamEvent[]) {
    const entry = this.followed.get(messageId);
    if (!entry) return;
    entry.state = applyChatEvents(entry.state, events);
    this.publish(messageId, entry.state);
    if (isFinished(entry.state)) {
      entry.unfollow();
      if (entry.state.gap) {
        void this.queryClient.invalidateQueries({
          queryKey: queryKeys.conversations.detail(entry.state.conversationId),
        });
      }
    }
  }

  private publish(messageId: string, state: ChatMessage) {
    this.queryClient.setQueryData(queryKeys.chat.live(messageId), state);
    if (!isFinished(state)) return;
    // The finished message joins the conversation as it will be stored.
    this.queryClient.setQueryData<ConversationDetail>(
      queryKeys.conversations.detail(state.conversationId),
      (old) => {
        if (!old) return old;
        const { steps: _s, lastSeq: _l, gap: _g, ...message } = state;
        let found = false;
        const messages = old.messages.map((m) => {
          if (m.id !== messageId) return m;
          found = true;
          return message;
        });
        return { ...old, messages: found ? messages : [...messages, message] };
      },
    );
  }
}
