import { z } from 'zod';
import { EventCategorySchema, StreamEventSchema } from '../events';
import { isValidStreamId } from '../streams';
import { method } from './define';

export const StreamIdSchema = z.string().refine(isValidStreamId, { message: 'Unknown stream id' });

export const StreamStatusSchema = z.object({
  stream: z.string(),
  exists: z.boolean(),
  lastSeq: z.number().int().nonnegative(),
  oldestSeq: z.number().int().nonnegative(),
  finished: z.boolean(),
  subscribers: z.number().int().nonnegative(),
});
export type StreamStatus = z.infer<typeof StreamStatusSchema>;

export const SubscribeResultSchema = z.object({
  stream: z.string(),
  /** The stream's current state from its snapshot provider, or null if it has none. */
  snapshot: z.unknown(),
  /** The seq the snapshot reflects; live events continue after it. */
  lastSeq: z.number().int().nonnegative(),
  /** Buffered events after `afterSeq`. */
  events: z.array(StreamEventSchema),
  /** True when `afterSeq` is older than the replay buffer: apply the snapshot, skip nothing silently. */
  resync: z.boolean(),
  /**
   * Some of this stream's events are not the caller's to see (another person's conversations
   * on a team server), so seq jumps are expected and are not gaps.
   */
  filtered: z.boolean().optional(),
});
export type SubscribeResult = z.infer<typeof SubscribeResultSchema>;

export const eventsMethods = {
  'events.subscribe': method({
    summary: 'Snapshot plus buffered events after afterSeq; then live events on this connection.',
    args: z
      .object({
        stream: StreamIdSchema,
        afterSeq: z.number().int().nonnegative().optional(),
        categories: z.array(EventCategorySchema).nonempty().optional(),
      })
      .strict(),
    result: SubscribeResultSchema,
  }),
  'events.unsubscribe': method({
    summary: 'Stop live events of one stream on this connection.',
    args: z.object({ stream: StreamIdSchema }).strict(),
    result: z.object({ unsubscribed: z.boolean() }),
  }),
  'events.status': method({
    summary: 'Sequence state of one stream: the polling fallback.',
    args: z.object({ stream: StreamIdSchema }).strict(),
    result: StreamStatusSchema,
  }),
};
