import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { ModelDownloadStateSchema } from './models';
import {
  DocumentInfoSchema,
  IndexHealthSchema,
  IndexStageSchema,
  LibraryTotalsSchema,
} from './documents';
import { CollectionSchema, ConversationScopeSchema } from './collections';
import { AnswerChecksSchema } from './answer-checks';

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
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** The data payload of every event type: the single source of truth for both transports. */
export const EventDataSchemas = {
  // chat
  'message.start': z.object({
    messageId: z.string(),
    conversationId: z.string(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
  }),
  step: z.object({
    step: z.string(),
    status: z.enum(['running', 'done', 'error']),
    label: z.string(),
    category: z.enum(['thinking', 'action', 'check', 'error']),
    progress: z.number().min(0).max(1).nullable(),
  }),
  'message.sources': z.object({
    sources: z.array(SourceSchema),
    mode: AnswerModeSchema,
  }),
  'message.delta': z.object({ text: z.string() }),
  'message.end': z.object({
    finishReason: FinishReasonSchema,
    usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }),
    timings: z.object({ firstTokenMs: z.number().nullable(), totalMs: z.number() }),
    citations: z.array(z.number().int().positive()),
  }),
  'message.error': z.object({ code: ErrorCodeSchema, message: z.string(), retryable: z.boolean() }),
  /** Every verdict so far, whole: sent as sentences end while streaming, and once at the end. */
  'message.checks': AnswerChecksSchema,
  // library
  'document.added': z.object({ document: DocumentInfoSchema }),
  'document.progress': z.object({
    documentId: z.string(),
    stage: IndexStageSchema,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    fraction: z.number().min(0).max(1),
    etaMs: z.number().nonnegative().nullable(),
    label: z.string().max(200).optional(),
  }),
  'document.ready': z.object({
    documentId: z.string(),
    chunks: z.number().int().nonnegative(),
    pages: z.number().int().nonnegative().nullable(),
    ms: z.number().nonnegative(),
    vectorsPending: z.boolean(),
  }),
  'document.failed': z.object({
    documentId: z.string(),
    code: ErrorCodeSchema,
    message: z.string(),
  }),
  'document.removed': z.object({ documentId: z.string() }),
  /** The whole list after every watch or unwatch, so every open window shows the same. */
  'folders.updated': z.object({
    watchedFolders: z.array(z.string()),
    /** Watched folder → the collection it feeds, when that changed. */
    folderCollections: z.record(z.string(), z.string()).optional(),
  }),
  'queue.state': z.object({
    paused: z.boolean(),
    pending: z.number().int(),
    active: z.number().int(),
    /** The library's totals after the change: a paged list cannot count them itself. */
    totals: LibraryTotalsSchema.optional(),
  }),
  'index.health': IndexHealthSchema,
  /** A collection was created, renamed, or its document count changed. */
  'collection.changed': z.object({ collection: CollectionSchema }),
  /** Its documents stay; they are simply no longer in it. */
  'collection.deleted': z.object({ collectionId: z.string() }),
  /** Documents joined or left a collection (each document's `collections` follows). */
  'collection.members': z.object({
    collectionId: z.string(),
    added: z.array(z.string()),
    removed: z.array(z.string()),
  }),
  // conversations
  'conversation.updated': z.object({ conversation: ConversationSchema }),
  'conversation.deleted': z.object({ conversationId: z.string() }),
  // system
  ping: z.object({}),
  'model.download.progress': ModelDownloadStateSchema,
} as const;

export type EventType = keyof typeof EventDataSchemas;
export type EventData = { [K in EventType]: z.infer<(typeof EventDataSchemas)[K]> };
export const EVENT_TYPES = Object.keys(EventDataSchemas) as EventType[];

/** Each event type belongs to exactly one category, so subscribers can filter by category. */
export const EVENT_CATEGORY: { [K in EventType]: EventCategory } = {
  'message.start': 'chat',
  step: 'pipeline',
  'message.sources': 'chat',
  'message.delta': 'chat',
  'message.end': 'chat',
  'message.error': 'chat',
  'message.checks': 'chat',
  'document.added': 'library',
  'document.progress': 'library',
  'document.ready': 'library',
  'document.failed': 'library',
  'document.removed': 'library',
  'folders.updated': 'library',
  'queue.state': 'library',
  'index.health': 'library',
  'collection.changed': 'library',
  'collection.deleted': 'library',
  'collection.members': 'library',
  'conversation.updated': 'chat',
  'conversation.deleted': 'chat',
  ping: 'system',
  'model.download.progress': 'system',
};

const envelope = {
  stream: z.string().min(1),
  seq: z.number().int().positive(),
  category: EventCategorySchema,
  ts: z.number(),
};

function eventSchemaFor<K extends EventType>(type: K) {
  return z.object({ ...envelope, type: z.literal(type), data: EventDataSchemas[type] });
}

export const StreamEventSchema = z.discriminatedUnion('type', [
  eventSchemaFor('message.start'),
  eventSchemaFor('step'),
  eventSchemaFor('message.sources'),
  eventSchemaFor('message.delta'),
  eventSchemaFor('message.end'),
  eventSchemaFor('message.error'),
  eventSchemaFor('message.checks'),
  eventSchemaFor('document.added'),
  eventSchemaFor('document.progress'),
  eventSchemaFor('document.ready'),
  eventSchemaFor('document.failed'),
  eventSchemaFor('document.removed'),
  eventSchemaFor('folders.updated'),
  eventSchemaFor('queue.state'),
  eventSchemaFor('index.health'),
  eventSchemaFor('collection.changed'),
  eventSchemaFor('collection.deleted'),
  eventSchemaFor('collection.members'),
  eventSchemaFor('conversation.updated'),
  eventSchemaFor('conversation.deleted'),
  eventSchemaFor('ping'),
  eventSchemaFor('model.download.progress'),
]);

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
