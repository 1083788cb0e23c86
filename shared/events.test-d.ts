import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { EventData, EventType, StreamEvent, StreamEventOf } from './events';
import type { EventDataSchemas, StreamEventSchema } from './events';

test('the zod StreamEvent schema and the hand-written StreamEvent type agree', () => {
  expectTypeOf<z.infer<typeof StreamEventSchema>>().toEqualTypeOf<StreamEvent>();
});

test('every event type has a data schema whose inferred type is its EventData', () => {
  expectTypeOf<keyof typeof EventDataSchemas>().toEqualTypeOf<EventType>();
  expectTypeOf<z.infer<(typeof EventDataSchemas)['message.delta']>>().toEqualTypeOf<
    EventData['message.delta']
  >();
  expectTypeOf<Extract<StreamEvent, { type: 'document.progress' }>>().toEqualTypeOf<
    StreamEventOf<'document.progress'>
  >();
  expectTypeOf<Extract<StreamEvent, { type: 'step' }>['data']['status']>().toEqualTypeOf<
    'running' | 'done' | 'error'
  >();
});
