import type {
  ChatWrapper,
  LlamaChatSession,
  LlamaContext,
  LlamaContextSequence,
} from 'node-llama-cpp';
import type { LlamaModule } from './llama-runtime';
import type { ChatTurn } from './types';

export type SessionEntry = {
  key: string;
  sequence: LlamaContextSequence;
  session: LlamaChatSession;
  /** The turns the session's KV cache holds (system first), or null when unknown. */
  turns: ChatTurn[] | null;
  lastUsed: number;
};

/**
 * One LlamaChatSession per conversation, each on its own context sequence, least recently
 * used first out. A follow-up turn on a kept session evaluates only the new tokens.
 */
export class SessionPool {
  private readonly entries = new Map<string, SessionEntry>();
  private clock = 0;
  created = 0;
  evicted = 0;

  constructor(
    private readonly mod: LlamaModule,
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
    private readonly capacity: number,
  ) {}

  /** Callers serialise generations, so the entry evicted here is never mid-evaluation. */
  acquire(key: string): SessionEntry {
    const existing = this.entries.get(key);
    if (existing) {
      existing.lastUsed = ++this.clock;
      return existing;
    }
    if (this.entries.size >= this.capacity || this.context.sequencesLeft === 0) this.evictOldest();
    const sequence = this.context.getSequence();
    const session = new this.mod.LlamaChatSession({
      contextSequence: sequence,
      chatWrapper: this.chatWrapper,
      autoDisposeSequence: false,
    });
    const entry: SessionEntry = { key, sequence, session, turns: null, lastUsed: ++this.clock };
    this.entries.set(key, entry);
    this.created += 1;
    return entry;
  }

  private evictOldest(): void {
    let oldest: SessionEntry | undefined;
    for (const entry of this.entries.values()) {
      if (!oldest || entry.lastUsed < oldest.lastUsed) oldest = entry;
    }
    if (oldest) {
      this.drop(oldest.key);
      this.evicted += 1;
    }
  }

  /** Forgets a session whose state may be inconsistent (after a failure). */
  drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.session.dispose({ disposeSequence: false });
    entry.sequence.dispose();
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  disposeAll(): void {
    for (const key of [...this.entries.keys()]) this.drop(key);
  }
}
