// Whole-document questions with the real llama.cpp model over a real 18-page PDF. The tiny
// model writes nonsense, but the sections, steps, prompt sizes and page citations are real.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { QuireCore } from '../quire-core';
import { makeTestCore, PDF_DIR } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import type { ChatProvider } from './chat-types';

const GGUF = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);
// 18 pages read in dozens of sections at this model's context: enough to show the map and
// reduce, in minutes rather than the quarter hour the 50-page IRS instructions take.
const PDF = path.join(PDF_DIR, 'dmca_summary_18p_rc4.pdf');

type Sent = { user: string; promptTokens: number; maxTokens: number; contextSize: number };

let dir: string;
let remove: () => Promise<void>;
let core: QuireCore;
let documentId: string;
const sent: Sent[] = [];
/** Called as each section starts, so a test can stop the answer mid-map. */
let onRequest: (user: string) => void = () => {};

/** Records every prompt the model gets, with its real token count. */
function recording(provider: ChatProvider | null): ChatProvider | null {
  if (!provider) return null;
  return {
    kind: provider.kind,
    model: provider.model,
    contextSize: () => provider.contextSize(),
    countTokens: (text) => provider.countTokens(text),
    async *stream(request) {
      const user = request.messages.at(-1)!.content;
      sent.push({
        user,
        promptTokens: await provider.countTokens(request.messages.map((m) => m.content).join('\n')),
        maxTokens: request.maxTokens ?? 0,
        contextSize: await provider.contextSize(),
      });
      onRequest(user);
      return yield* provider.stream(request);
    },
  };
}

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  core = await makeTestCore(path.join(dir, 'data'), {
    keychain: false,
    providerOverride: { kind: 'embedded', modelPath: GGUF },
    wrapProvider: recording,
    // Short notes keep ~180 sections' worth of generation quick on a shared CPU.
    chat: { maxAnswerTokens: 16 },
  });
  await core.library.add([PDF]);
  await core.library.whenIdle();
  const doc = core.library.registry.all()[0]!;
  expect(doc.status).toBe('ready');
  documentId = doc.id;
}, 300_000);

afterAll(async () => {
  await core?.close();
  await remove();
});

async function ask(text: string, onEvent: (e: StreamEvent, messageId: string) => void = () => {}) {
  const result = await core.chat.send({ text, documentId });
  const events: StreamEvent[] = [];
  const listener = (e: StreamEvent) => {
    events.push(e);
    onEvent(e, result.messageId);
  };
  const sub = core.hub.subscribe(result.stream, { afterSeq: 0, listener });
  for (const e of sub.events) listener(e);
  await waitFor(() => events.some((e) => e.type === 'message.end'), 840_000);
  sub.unsubscribe();
  return { result, events };
}

const sectionOf = (user: string) => /^Section (\d+) of (\d+)/.exec(user);
const labels = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === 'step' && e.data.status !== 'running' ? [e.data.label] : []));

describe('a whole-document question to the embedded model', () => {
  it('reads every section in order, one step counting them, within the context, then writes one answer citing real pages', async () => {
    sent.length = 0;
    const { result, events } = await ask('List every deadline in this document.');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'message.end')).toHaveLength(1);
    expect(events.some((e) => e.type === 'message.error')).toBe(false);

    const sectionPrompts = sent.map((s) => sectionOf(s.user)).filter((m) => m !== null);
    const total = Number(sectionPrompts[0]![2]);
    expect(total).toBeGreaterThan(1);
    // Every section once, in document order.
    expect(sectionPrompts.map((m) => Number(m[1]))).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    const running = events.flatMap((e) =>
      e.type === 'step' && e.data.status === 'running' ? [e.data] : [],
    );
    // One step, relabelled as each section starts: count, progress and (after the first) time left.
    const readingSteps = running.filter((s) => s.step === 'read');
    expect(readingSteps.map((s) => s.label.split(' · ')[0])).toEqual(
      Array.from({ length: total }, (_, i) => `Reading section ${i + 1} of ${total}`),
    );
    expect(readingSteps.map((s) => s.progress)).toEqual(
      Array.from({ length: total }, (_, i) => i / total),
    );
    for (const step of readingSteps.slice(1)) expect(step.label).toMatch(/ · .+ left$/);
    // The answer is written after the last section was read.
    const reduceAt = running.findIndex((s) => s.step === 'reduce');
    expect(reduceAt).toBeGreaterThan(running.indexOf(readingSteps.at(-1)!));

    // No prompt (with room for its answer) is larger than the model's context.
    for (const prompt of sent)
      expect(prompt.promptTokens + prompt.maxTokens).toBeLessThanOrEqual(prompt.contextSize);

    const sources = events.find((e) => e.type === 'message.sources');
    if (sources?.type !== 'message.sources') throw new Error('no sources');
    const pages = sources.data.sources.map((s) => s.pageStart);
    expect(pages.length).toBeGreaterThan(14);
    for (const [i, s] of sources.data.sources.entries()) {
      expect(s).toMatchObject({ n: i + 1, documentId, pageEnd: s.pageStart });
      expect(s.pageStart).toBeGreaterThanOrEqual(1);
      expect(s.pageStart).toBeLessThanOrEqual(18);
      if (i > 0) expect(s.pageStart!).toBeGreaterThan(pages[i - 1]!);
    }
    const stored = core.conversations.getMessage(result.messageId)!;
    expect(stored.status).toBe('complete');
    for (const n of stored.citations) expect(n).toBeLessThanOrEqual(pages.length);
    // Each section prompt numbers its own pages 1..m, labelled with the document's real pages.
    for (const prompt of sent.filter((s) => sectionOf(s.user))) {
      const labelled = [...prompt.user.matchAll(/^\[(\d+)\] [^\n]*, page (\d+)/gm)];
      expect(labelled.length).toBeGreaterThan(0);
      expect(labelled.map((m) => Number(m[1]))).toEqual(labelled.map((_, i) => i + 1));
      for (const m of labelled) expect(pages).toContain(Number(m[2]));
    }
  }, 900_000);

  it('stops mid-map: keeps what was read, ends once as cancelled, and writes no answer', async () => {
    sent.length = 0;
    let stopped = false;
    let messageId = '';
    onRequest = (user) => {
      if (!stopped && sectionOf(user)?.[1] === '3') {
        stopped = true;
        core.chat.stop(messageId);
      }
    };
    const { result, events } = await ask('Summarise this report.', (e, id) => {
      messageId = id;
    });
    onRequest = () => {};
    expect(stopped).toBe(true);
    const ends = events.filter((e) => e.type === 'message.end');
    expect(ends).toHaveLength(1);
    expect(events.at(-1)!.type).toBe('message.end');
    expect(ends[0]!.type === 'message.end' && ends[0]!.data.finishReason).toBe('cancelled');
    expect(events.some((e) => e.type === 'step' && e.data.step === 'reduce')).toBe(false);
    const stored = core.conversations.getMessage(result.messageId)!;
    expect(stored.status).toBe('cancelled');
    expect(stored.text).toContain('sections read');
    expect(stored.text).toBe(
      events.map((e) => (e.type === 'message.delta' ? e.data.text : '')).join(''),
    );
    for (const n of stored.citations) expect(n).toBeLessThanOrEqual(stored.sources.length);
    // Its sources are the pages read before the stop (sections 1–2, and 3 if its note began).
    const lastPage = (section: string) =>
      Math.max(
        ...sent
          .filter((s) => sectionOf(s.user)?.[1] === section)
          .flatMap((s) =>
            [...s.user.matchAll(/^\[\d+\] [^\n]*, page (\d+)/gm)].map((m) => Number(m[1])),
          ),
      );
    expect(stored.sources.at(-1)!.pageStart).toBeGreaterThanOrEqual(lastPage('2'));
    expect(stored.sources.at(-1)!.pageStart).toBeLessThanOrEqual(lastPage('3'));
    expect(stored.sources.map((s) => s.n)).toEqual(stored.sources.map((_, i) => i + 1));
    expect(labels(events)).toContain(
      `Stopped after reading 2 of ${sectionOf(sent[0]!.user)![2]} sections`,
    );
  }, 300_000);
});
