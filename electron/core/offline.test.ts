import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, runGuarded } from '../../test/helpers/guarded-node';
import { makeTempDir } from '../../test/helpers/temp-dir';

const FLOW = fileURLToPath(new URL('../../test/helpers/offline-flow.ts', import.meta.url));

type Report = {
  offlineBefore: boolean;
  offlineAfterUpdate: boolean;
  keys: { openai: boolean; anthropic: boolean };
  selectedProvider: string;
  appOffline: boolean;
  settingsOffline: boolean;
  documents: { name: string; status: string }[];
  searchHits: { title: string | null; text: string }[];
  searchDegraded: string | null;
  events: { seq: number; type: string; data: Record<string, unknown> }[];
  message: { status: string; provider: string | null; text: string } | null;
  allowRemoteModels: boolean;
  missingModel: string | null;
};

describe('provably offline', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it('indexes, searches, answers with the embedded model and streams over SSE with no outside connection or DNS lookup', async () => {
    const run = await runGuarded(FLOW, [path.join(dir, 'data'), path.join(dir, 'docs')]);
    expect(run.code, run.stderr.slice(-4000)).toBe(0);
    // The guard ran in the main thread and in the indexing workers, and nothing got past it.
    expect(run.guardedThreads).toContain(0);
    expect(run.guardedThreads.some((t) => t !== 0)).toBe(true);
    expect(run.violations).toEqual([]);

    const report = lastJsonLine<Report>(run.stdout);
    expect(report.documents.map((d) => d.status)).toEqual(['ready', 'ready', 'ready']);
    expect(report.searchDegraded).toBeNull();
    expect(report.searchHits[0]?.text).toContain('horn');

    // The embedded model answered over real SSE: every event, seq contiguous from 1, to the end.
    const seqs = report.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(report.events[0]?.type).toBe('message.start');
    expect(report.events.at(-1)?.type).toBe('message.end');
    const deltas = report.events.filter((e) => e.type === 'message.delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(report.message).toMatchObject({ status: 'complete', provider: 'embedded' });
    expect(report.message?.text).toBe(deltas.map((e) => String(e.data.text)).join(''));

    // A remote key is stored but not selected: still offline, and the indicator says so.
    expect(report.keys.openai).toBe(true);
    expect(report.selectedProvider).toBe('embedded');
    expect([report.offlineBefore, report.offlineAfterUpdate]).toEqual([true, true]);
    expect([report.appOffline, report.settingsOffline]).toEqual([true, true]);

    // transformers.js never loads remotely unless a download is asked for.
    expect(report.allowRemoteModels).toBe(false);
    expect(report.missingModel).toBe('model_unavailable');
  });
});
