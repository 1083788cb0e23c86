// What the chat pipeline works with: the provider surface, retrieval, and the service's deps.
import type { Coverage } from '../../../shared/answer-checks';
import type { ConversationScope } from '../../../shared/collections';
import type { GenerateResult } from '../../../shared/generation';
import type { Message } from '../../../shared/messages';
import type { EntailmentChecker } from '../checking/entailment';
import type { StreamHub } from '../streams/stream-hub';
import type { TermStats } from '../language/term-stats';
import type { ConversationStore } from './conversation-store';
import type { Passage, PromptTurn } from './prompt';

/** The provider surface the pipeline needs (see electron/core/providers). */
export type ChatProvider = {
  readonly kind: string;
  readonly model: string;
  contextSize(): Promise<number>;
  countTokens(text: string): Promise<number>;
  /** The whole prompt as the model's server counts it (template included); null if it cannot. */
  countPromptTokens?(messages: PromptTurn[]): Promise<number | null>;
  stream(request: {
    messages: PromptTurn[];
    maxTokens?: number;
    temperature?: number;
    seed?: number;
    signal: AbortSignal;
    sessionKey?: string;
  }): AsyncGenerator<string, GenerateResult>;
};

/** A ready document's label and its chunks in reading order: what whole-document answers read. */
export type DocumentText = {
  id: string;
  title: string;
  path: string;
  chunks: Array<{
    id: string;
    text: string;
    pageStart: number | null;
    pageEnd: number | null;
    charStart: number;
    charEnd: number;
    headingPath: string[];
  }>;
};

export type Retrieval = {
  passages: Passage[];
  searched: number;
  reranked: boolean;
  /** Whether the library covers the question; absent where no decision was made. */
  coverage?: Coverage;
};

export type ChatDeps = {
  hub: StreamHub;
  store: ConversationStore;
  /** Null when no model is configured or reachable: answers fall back to search mode. */
  provider: () => Promise<ChatProvider | null>;
  /** Passages the scope covers, for the "Searching N passages" step. */
  passageCount: (scope?: ConversationScope) => Promise<number>;
  /** Searches only what the conversation's scope covers (everything when absent). */
  retrieve: (
    query: string,
    onStep: (step: 'rerank') => void,
    scope?: ConversationScope,
  ) => Promise<Retrieval>;
  rerankerEnabled: () => boolean;
  /**
   * Layer 2 of answer checks (checking/entailment.ts): `score` resolves null whenever the model
   * is off, missing or failing, so a caller needs no try/catch. Absent in cores built without it.
   */
  entailment?: EntailmentChecker;
  /** The library's document frequencies: which words are rare enough that a source must have them. */
  termStats?: () => Promise<TermStats | null>;
  /** Throws a clear error for a scope naming an unknown collection or document. */
  checkScope?: (scope: ConversationScope) => void;
  /** The whole text of a ready document (whole-document questions, pinned documents). */
  documentText?: (documentId: string) => Promise<DocumentText>;
  /**
   * What a new turn (system, sources, question) may add to the prompt. CPU models spend most of
   * the first-token time evaluating it; replayed history is cached by the embedded provider.
   */
  maxPromptTokens?: number;
  /** History replayed on follow-ups, at most; defaults to four turns' worth. */
  maxHistoryTokens?: number;
  maxAnswerTokens?: number;
  checkpointMs?: number;
  now?: () => number;
};

/** What the plan stage decides: who answers, what is searched, and what came before. */
export type Plan = {
  provider: ChatProvider | null;
  /** Why the configured provider could not be used, when it could not. */
  providerProblem: string | null;
  query: string;
  earlier: Message[];
};
