import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { ModelDownloadStateSchema, ModelSwitchStateSchema } from './models';
import {
  DocumentInfoSchema,
  IndexHealthSchema,
  IndexStageSchema,
  LibraryTotalsSchema,
} from './documents';
import { CollectionSchema, ConversationScopeSchema } from './collections';
import { AnswerChecksSchema } from './answer-checks';
import { UsageSchema } from './generation';

/** `closest`: the library does not cover the question; these are the nearest passages, unwritten from. */
export const AnswerModeSchema = z.enum(['answer', 'search', 'closest']);
export type AnswerMode = z.infer<typeof AnswerModeSchema>;

export const EventCategorySchema = z.enum(['chat', 'library', 'pipeline', 'system']);
export type EventCategory = z.infer<typeof EventCategorySchema>;

export const FinishReasonSchema = z.enum(['stop', 'length', 'cancelled', 'error', 'interrupted']);
export type FinishReason = z.infer<typeof FinishReasonSchema>;

export const SourceSchema = z.object({
  n: z.number().int().positive(),
  chunkId: z.string(),
  documentId: z.string(),
  title: z.string(),
  path: z.string(),
  pageStart: z.number().int().positive().nullable(),
  pageEnd: z.number().int().positive().nullable(),
  charStart: z.number().int().nonnegative(),
  charEnd: z.number().int().nonnegative(),
  headingPath: z.array(z.string()),
  snippet: z.string(),
  /** The fused (reciprocal-rank) score. */
  score: z.number(),
  /** The cross-encoder's score, when the passages were reranked. */
  rerankScore: z.number().nullable().optional(),
  /** The passage's text was read by OCR from a scan or an image. */
  ocr: z.boolean().optional(),
});
export type Source = z.infer<typeof SourceSchema>;

export const ConversationSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messageCount: z.number().int().nonnegative(),
  /** What its questions search; absent means everything. */
  scope: ConversationScopeSchema.optional(),
  /** Documents whose text is always in this conversation's prompts, as far as the context allows. */
  pinnedDocumentIds: z.array(z.string()).optional(),
  /** The team-server user whose conversation it is; absent: the owner of this Quire. */
  owner: z.string().optional(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

// Each event is written once: its category and the schema of its data.
const inCategory =
  <C extends EventCategory>(category: C) =>
  <S extends z.ZodTypeAny>(data: S) => ({ category, data });
const chat = inCategory('chat');
const pipeline = inCategory('pipeline');
const library = inCategory('library');
const system = inCategory('system');

const EVENTS = {
  // chat
  'message.start': chat(
    z.object({
      messageId: z.string(),
      conversationId: z.string(),
      provider: z.string().nullable(),
      model: z.string().nullable(),
    }),
  ),
  step: pipeline(
    z.object({
      step: z.string(),
      status: z.enum(['running', 'done', 'error']),
      label: z.string(),
      category: z.enum(['thinking', 'action', 'check', 'error']),
      progress: z.number().min(0).max(1).nullable(),
    }),
  ),
  'message.sources': chat(
    z.object({
      sources: z.array(SourceSchema),
      mode: AnswerModeSchema,
    }),
  ),
  'message.delta': chat(z.object({ text: z.string() })),
  'message.end': chat(
    z.object({
      finishReason: FinishReasonSchema,
      usage: UsageSchema,
      timings: z.object({ firstTokenMs: z.number().nullable(), totalMs: z.number() }),
      citations: z.array(z.number().int().positive()),
    }),
  ),
  'message.error': chat(
    z.object({ code: ErrorCodeSchema, message: z.string(), retryable: z.boolean() }),
  ),
  /** Every verdict so far, whole: sent as sentences end while streaming, and once at the end. */
  'message.checks': chat(AnswerChecksSchema),
  // library
  'document.added': library(z.object({ document: DocumentInfoSchema })),
  'document.progress': library(
    z.object({
      documentId: z.string(),
      stage: IndexStageSchema,
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      fraction: z.number().min(0).max(1),
      etaMs: z.number().nonnegative().nullable(),
      label: z.string().max(200).optional(),
    }),
  ),
  'document.ready': library(
    z.object({
      documentId: z.string(),
      chunks: z.number().int().nonnegative(),
      pages: z.number().int().nonnegative().nullable(),
      ms: z.number().nonnegative(),
      vectorsPending: z.boolean(),
    }),
  ),
  'document.failed': library(
    z.object({
      documentId: z.string(),
      code: ErrorCodeSchema,
      message: z.string(),
    }),
  ),
  'document.removed': library(z.object({ documentId: z.string() })),
  /** The whole list after every watch or unwatch, so every open window shows the same. */
  'folders.updated': library(
    z.object({
      watchedFolders: z.array(z.string()),
      /** Watched folder → the collection it feeds, when that changed. */
      folderCollections: z.record(z.string(), z.string()).optional(),
    }),
  ),
  'queue.state': library(
    z.object({
      paused: z.boolean(),
      pending: z.number().int(),
      active: z.number().int(),
      /** The library's totals after the change: a paged list cannot count them itself. */
      totals: LibraryTotalsSchema.optional(),
    }),
  ),
  'index.health': library(IndexHealthSchema),
  /** The embedding model switch: progress, pause, the atomic step, cancel or error. */
  'model.switch': library(ModelSwitchStateSchema),
  /** A collection was created, renamed, or its document count changed. */
  'collection.changed': library(z.object({ collection: CollectionSchema })),
  /** Its documents stay; they are simply no longer in it. */
  'collection.deleted': library(z.object({ collectionId: z.string() })),
  /** Documents joined or left a collection (each document's `collections` follows). */
  'collection.members': library(
    z.object({
      collectionId: z.string(),
      added: z.array(z.string()),
      removed: z.array(z.string()),
    }),
  ),
  // conversations
  'conversation.updated': chat(z.object({ conversation: ConversationSchema })),
  'conversation.deleted': chat(
    z.object({
      conversationId: z.string(),
      /** Whose it was, so that only they hear of it (see Conversation.owner). */
      owner: z.string().optional(),
    }),
  ),
  // system
  ping: system(z.object({})),
  'model.download.progress': system(ModelDownloadStateSchema),
};

type Events = typeof EVENTS;

/** The data payload of every event type: the single source of truth for both transports. */
export const EventDataSchemas = Object.fromEntries(
  Object.entries(EVENTS).map(([type, event]) => [type, event.data]),
) as { [K in keyof Events]: Events[K]['data'] };

export type EventType = keyof typeof EventDataSchemas;
export type EventData = { [K in EventType]: z.infer<(typeof EventDataSchemas)[K]> };
export const EVENT_TYPES = Object.keys(EventDataSchemas) as EventType[];

/** Each event type belongs to exactly one category, so subscribers can filter by category. */
export const EVENT_CATEGORY = Object.fromEntries(
  Object.entries(EVENTS).map(([type, event]) => [type, event.category]),
) as { [K in EventType]: Events[K]['category'] };

const envelope = {
  stream: z.string().min(1),
  seq: z.number().int().positive(),
  category: EventCategorySchema,
  ts: z.number(),
};

function eventSchemaFor<K extends EventType>(type: K) {
  return z.object({ ...envelope, type: z.literal(type), data: EventDataSchemas[type] });
}

// Built from the one list; the type test in events.test-d.ts proves it matches StreamEvent.
export const StreamEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map(eventSchemaFor) as unknown as [
    ReturnType<typeof eventSchemaFor>,
    ...Array<ReturnType<typeof eventSchemaFor>>,
  ],
) as unknown as z.ZodType<StreamEvent>;

/** The hand-written shape of one SSE message; a type test proves the zod schema agrees. */
export type StreamEventOf<K extends EventType> = {
  stream: string;
  seq: number;
  type: K;
  category: EventCategory;
  ts: number;
  data: EventData[K];
};
export type StreamEvent = { [K in EventType]: StreamEventOf<K> }[EventType];

export function parseStreamEvent(value: unknown): StreamEvent {
  return StreamEventSchema.parse(value);
}

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EventDataSchemas, value);
}
