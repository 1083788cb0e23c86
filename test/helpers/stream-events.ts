import {
  EVENT_CATEGORY,
  type EventData,
  type EventType,
  type StreamEvent,
} from '../../shared/events';

/** Builds valid events for tests of codecs, followers and reducers. */
export function makeEvent<K extends EventType>(
  stream: string,
  seq: number,
  type: K,
  data: EventData[K],
): StreamEvent {
  return {
    stream,
    seq,
    type,
    category: EVENT_CATEGORY[type],
    ts: 1_700_000_000_000 + seq,
    data,
  } as StreamEvent;
}

export function deltaEvents(stream: string, count: number, firstSeq = 1): StreamEvent[] {
  return Array.from({ length: count }, (_, i) =>
    makeEvent(stream, firstSeq + i, 'message.delta', { text: `tok${i} ` }),
  );
}
