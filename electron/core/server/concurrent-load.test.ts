// Ten chats over real SSE while 500 documents index. The streams are checked exactly; the
// event-loop lag is printed, not asserted (a noisy machine): `npm run bench:load` judges it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../../test/helpers/load-run';
import { makeTempDir } from '../../../test/helpers/temp-dir';

describe('load: concurrent chats while a library indexes', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it('loses no event: every stream is contiguous, complete and carries all the provider sent', async () => {
    const report = await runLoad({
      dir,
      documents: 500,
      chats: 10,
      tokens: 150,
      tokenDelayMs: 5,
      untilIndexed: false,
    });
    console.info(
      `load: ${report.chats.length} chats, ${report.documents.ready} documents ready in ${report.durationMs} ms; ` +
        `event-loop lag p50 ${report.lagMs.p50} ms, p99 ${report.lagMs.p99} ms, max ${report.lagMs.max} ms; ` +
        `${report.hubEvents} hub events, ${report.sseEvents} SSE events`,
    );
    // The chats really ran while documents were indexing.
    expect(report.indexingWhenChatsStarted).toBeGreaterThan(100);
    expect(report.documents).toEqual({ ready: 500, failed: 0, other: 0 });

    expect(report.chats).toHaveLength(10);
    expect(report.providerSent).toEqual(Array(10).fill(report.expectedTokens));
    expect(report.providerClosedEarly).toBe(0);
    for (const chat of report.chats) {
      expect(chat.seqs).toEqual(chat.seqs.map((_, i) => i + 1));
      expect(chat.types[0]).toBe('message.start');
      expect(chat.types.at(-1)).toBe('message.end');
      expect(chat.types.filter((t) => t === 'message.end' || t === 'message.error')).toHaveLength(
        1,
      );
      // Deltas are coalesced, so their number varies; their text and the usage count may not.
      expect(chat.text).toBe(report.expectedText);
      expect(chat.completionTokens).toBe(report.expectedTokens);
    }
  });
});
