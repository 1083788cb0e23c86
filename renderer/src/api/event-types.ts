/** The event schema's types for the renderer, in one place. */
export type {
  Conversation,
  EventData,
  EventType,
  FinishReason,
  Source,
  StreamEvent,
} from '../../../shared/events';
export type {
  AnswerChecks,
  EvidenceSpan,
  SentenceCheck,
  Verdict,
} from '../../../shared/answer-checks';
