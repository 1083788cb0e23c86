import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import type { DocumentInfo, LibrarySnapshot } from '../shared/documents';
import { encodeSseControl, encodeSseRetry, SSE_SNAPSHOT_EVENT } from '../shared/sse';
import { shootBoth, startTestServer } from './ui-helpers';

const STAGES = ['ready', 'ready', 'ready', 'embedding', 'parsing', 'queued', 'failed'] as const;

function bigLibrary(count: number): LibrarySnapshot {
  const documents: DocumentInfo[] = Array.from({ length: count }, (_, i) => {
    const status = STAGES[i % STAGES.length]!;
    const indexing = status !== 'ready' && status !== 'failed';
    return {
      id: `d${i}`,
      path: `/library/folder-${i % 40}/document-${i}.pdf`,
      name: `document-${String(i).padStart(5, '0')}.pdf`,
      kind: 'pdf',
      size: 20_000 + i * 37,
      pages: 1 + (i % 300),
      status,
      chunks: status === 'ready' ? 10 + (i % 90) : 0,
      progress:
        indexing && status !== 'queued'
          ? { stage: status, done: i % 50, total: 50, fraction: (i % 50) / 50, etaMs: 40_000 }
          : null,
      error: status === 'failed' ? { code: 'corrupt_file', message: 'This PDF is damaged.' } : null,
      vectorsPending: false,
      embeddingModel: 'quire-test/bow',
      addedAt: i,
      updatedAt: i,
    };
  });
  const indexing = documents.filter((d) => !['ready', 'failed'].includes(d.status)).length;
  return {
    documents,
    complete: true,
    index: { status: 'ok', damagedTables: [], error: null },
    paused: false,
    watchedFolders: ['/library'],
    totals: {
      documents: count,
      chunks: documents.reduce((n, d) => n + d.chunks, 0),
      indexing,
      failed: documents.filter((d) => d.status === 'failed').length,
    },
  };
}

test('10,000 documents: only visible rows exist, scrolling stays smooth', async ({ page }) => {
  test.setTimeout(180_000);
  const server = await startTestServer();
  try {
    const snapshot = bigLibrary(10_000);
    const body =
      encodeSseRetry(60_000) +
      encodeSseControl(SSE_SNAPSHOT_EVENT, {
        stream: 'library',
        snapshot,
        lastSeq: 1,
        events: [],
        resync: false,
      });
    // The library stream answers with a 10,000-document snapshot; everything else is real.
    // A resume (Last-Event-ID) gets nothing new, as from a quiet library.
    await page.route('**/api/streams/library**', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/event-stream',
        body: route.request().headers()['last-event-id'] ? encodeSseRetry(60_000) : body,
      }),
    );
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(server.openUrl);
    await page.getByRole('link', { name: 'Library' }).click();
    await expect(page.getByTestId('library-totals')).toContainText('10,000 documents');
    const rows = page.getByTestId('doc-row');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeLessThan(60);

    // The same frame loop without scrolling: what this machine manages right now.
    const idleFps = await page.evaluate(async () => {
      const g = globalThis as unknown as {
        requestAnimationFrame: (cb: (t: number) => void) => number;
      };
      const times: number[] = [];
      await new Promise<void>((resolve) => {
        const tick = (t: number) => {
          times.push(t);
          if (times.length < 120) g.requestAnimationFrame(tick);
          else resolve();
        };
        g.requestAnimationFrame(tick);
      });
      return ((times.length - 1) * 1000) / ((times.at(-1) ?? 0) - (times[0] ?? 0));
    });
    // Real wheel input, as a user flicks through the list, while frames are timed.
    await page.evaluate(() => {
      const g = globalThis as unknown as {
        requestAnimationFrame: (cb: (t: number) => void) => number;
        __frames: number[];
        __stop: boolean;
      };
      g.__frames = [];
      g.__stop = false;
      const tick = (t: number) => {
        g.__frames.push(t);
        if (!g.__stop) g.requestAnimationFrame(tick);
      };
      g.requestAnimationFrame(tick);
    });
    await page.mouse.move(700, 500);
    for (let i = 0; i < 90; i++) {
      await page.mouse.wheel(0, 180);
      await page.waitForTimeout(16);
    }
    const scroll = await page.evaluate(() => {
      const g = globalThis as unknown as {
        __frames: number[];
        __stop: boolean;
        document: { querySelector: (s: string) => { scrollTop: number } };
      };
      g.__stop = true;
      const times = g.__frames;
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
      const duration = (times.at(-1) ?? 0) - (times[0] ?? 0);
      return {
        fps: (gaps.length * 1000) / duration,
        maxFrameMs: Math.max(...gaps),
        scrolledTo: g.document.querySelector('.doc-scroller').scrollTop,
      };
    });
    const stats = { idleFps, ...scroll };
    console.log(`[library-scale] ${JSON.stringify(stats)}`);
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync('test-results/library-scale.json', JSON.stringify(stats, null, 2));
    expect(await rows.count()).toBeLessThan(60);

    await shootBoth(page, 'library-10k');

    // The filter narrows 10,000 rows to the few that match.
    await page.getByLabel('Filter documents').fill('document-09999');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('document-09999.pdf');
  } finally {
    await server.stop();
  }
});
