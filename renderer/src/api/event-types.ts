/**
 * The event schema's types for the renderer. The layering lint bans the Node builtin
 * `events`, and its pattern also matches `shared/events` (a false positive), so the
 * renderer takes these types from here. Types only: nothing from Node can leak in.
 */
// eslint-disable-next-line no-restricted-imports
export type {
  Conversation,
  EventData,
  EventType,
  FinishReason,
  Source,
  StreamEvent,
} from '../../../shared/events';
