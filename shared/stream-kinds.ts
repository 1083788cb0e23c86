import { z } from 'zod';
import { MessageSchema } from './messages';
import { LibrarySnapshotSchema } from './documents';
import { ConversationSchema, type EventType, type StreamEventOf } from './events';
import { ModelDownloadStateSchema } from './models';

const DOCUMENT_EVENTS = [
  'document.added',
  'document.progress',
  'document.ready',
  'document.failed',
  'document.removed',
] as const satisfies readonly EventType[];

/**
 * Each kind of stream: the snapshot a subscriber starts from, and the only events it carries.
 * A stream id is the kind itself (`library`) or `kind:<id>` (`chat:<messageId>`).
 */
export const STREAM_KINDS = {
  library: {
    snapshot: LibrarySnapshotSchema,
    events: [
      ...DOCUMENT_EVENTS,
      'folders.updated',
      'queue.state',
      'index.health',
      'model.switch',
      'collection.changed',
      'collection.deleted',
      'collection.members',
    ],
  },
  /** One document's own events; the library snapshot already holds its state. */
  doc: { snapshot: z.null(), events: DOCUMENT_EVENTS, keyed: true },
  /** The saved message so far (null before it is stored), for a late or resyncing follower. */
  chat: {
    keyed: true,
    snapshot: MessageSchema.nullable(),
    events: [
      'message.start',
      'step',
      'message.sources',
      'message.delta',
      'message.end',
      'message.error',
      'message.checks',
    ],
  },
  conversations: {
    snapshot: z.object({ conversations: z.array(ConversationSchema) }),
    events: ['conversation.updated', 'conversation.deleted'],
  },
  system: {
    snapshot: z.object({ downloads: z.array(ModelDownloadStateSchema) }),
    events: ['ping', 'model.download.progress'],
  },
} as const satisfies Record<
  string,
  { snapshot: z.ZodTypeAny; events: readonly EventType[]; keyed?: true }
>;

type Kinds = typeof STREAM_KINDS;
export type StreamKind = keyof Kinds;
/** Kinds whose streams are one per context (`chat:<id>`), as opposed to one app-wide stream. */
type KeyedKind = {
  [K in keyof Kinds]: Kinds[K] extends { keyed: true } ? K : never;
}[keyof Kinds];

const KINDS = Object.keys(STREAM_KINDS) as Array<keyof Kinds>;
const isKeyed = (kind: keyof Kinds) => 'keyed' in STREAM_KINDS[kind];
/** Every valid stream id, built from the kinds above: a new kind needs no second list. */
const STREAM_ID = new RegExp(
  `^(${KINDS.filter((k) => !isKeyed(k)).join('|')}|(?:${KINDS.filter(isKeyed).join('|')}):[A-Za-z0-9_-]{1,64})$`,
);

export function isValidStreamId(stream: string): boolean {
  return STREAM_ID.test(stream);
}
export type StreamId = Exclude<StreamKind, KeyedKind> | `${KeyedKind}:${string}`;

export type KindOf<S extends StreamId> = S extends `${infer K}:${string}` ? K & StreamKind : S;
export type StreamIdOf<K extends StreamKind> = Extract<StreamId, K | `${K}:${string}`>;
export type EventTypeOn<S extends StreamId> = Kinds[KindOf<S>]['events'][number];
export type SnapshotOf<S extends StreamId> = z.infer<Kinds[KindOf<S>]['snapshot']>;
/** The events one stream can carry, narrowed by `type` as StreamEvent is. */
export type StreamEventOn<S extends StreamId> = {
  [K in EventTypeOn<S>]: StreamEventOf<K>;
}[EventTypeOn<S>];

/** The kind of a stream id, or null for an id no kind claims. */
export function streamKindOf(stream: string): StreamKind | null {
  const kind = stream.includes(':') ? stream.slice(0, stream.indexOf(':')) : stream;
  return Object.prototype.hasOwnProperty.call(STREAM_KINDS, kind) ? (kind as StreamKind) : null;
}

/** Reads a snapshot as its stream's schema says; a malformed one is an error, never a guess. */
export function parseSnapshot<S extends StreamId>(stream: S, snapshot: unknown): SnapshotOf<S> {
  const kind = streamKindOf(stream);
  if (!kind) throw new Error(`"${stream}" is not a stream Quire knows.`);
  const parsed = STREAM_KINDS[kind].snapshot.safeParse(snapshot);
  if (!parsed.success)
    throw new Error(
      `The snapshot of "${stream}" is not what a ${kind} stream sends: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    );
  return parsed.data as SnapshotOf<S>;
}

/** True when `type` may be emitted on (and received from) `stream`. */
export function carries(stream: string, type: EventType): boolean {
  const kind = streamKindOf(stream);
  return kind !== null && (STREAM_KINDS[kind].events as readonly EventType[]).includes(type);
}
