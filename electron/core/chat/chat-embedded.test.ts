import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import {
  BOW_MODEL,
  makeTestCore,
  PDF_DIR,
  writeNotes,
} from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { ConversationStore } from './conversation-store';

const GGUF = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);
const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const embedded = { kind: 'embedded' as const, modelPath: GGUF };

describe('chat with the embedded stories260K model', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let core: QuireCore | null = null;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(async () => {
    await core?.close();
    core = null;
    await remove();
  });

  it('streams start → steps → sources → deltas → end with contiguous seq and valid citations', async () => {
    core = await makeTestCore(path.join(dir, 'data'), {
      providerOverride: embedded,
      keychain: false,
    });
    await core.library.add([
      path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf'),
      ...writeNotes(path.join(dir, 'docs'), 3),
    ]);
    await core.library.whenIdle();
    const client = createInMemoryTransport(core.dispatch);
    const sent = await client.invoke('chat.send', { text: 'What do the notes say about river 2?' });
    if (!sent.ok) throw new Error(sent.error.message);
    const events: StreamEvent[] = [];
    client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
    await waitFor(
      () => events.some((e) => e.type === 'message.end' || e.type === 'message.error'),
      120_000,
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // Verdicts arrive between deltas as sentences end; the final set comes just before the end.
    const checks = events.filter((e) => e.type === 'message.checks');
    expect(events.at(-2)).toBe(checks.at(-1));
    expect(checks.at(-1)).toMatchObject({ data: { final: true } });
    const order = events
      .map((e) => e.type)
      .filter((t) => t !== 'message.checks')
      .filter((t, i, all) => t !== all[i - 1]);
    expect(order).toEqual([
      'message.start',
      'step',
      'message.sources',
      'step',
      'message.delta',
      'step',
      'message.end',
    ]);
    const deltas = events.filter((e) => e.type === 'message.delta');
    expect(deltas.length).toBeGreaterThan(3);
    const end = events.at(-1)!;
    const sources = events.find((e) => e.type === 'message.sources')!;
    if (end.type !== 'message.end' || sources.type !== 'message.sources')
      throw new Error('unexpected');
    expect(sources.data.mode).toBe('answer');
    expect(sources.data.sources.length).toBeGreaterThan(0);
    expect(end.data.usage.completionTokens).toBeGreaterThan(0);
    expect(end.data.timings.firstTokenMs).not.toBeNull();
    // Every citation points to a source that was given to the model.
    for (const n of end.data.citations) expect(sources.data.sources.map((s) => s.n)).toContain(n);
    const stored = core.conversations.getMessage(sent.value.messageId)!;
    expect(stored.text).toBe(
      deltas.map((e) => (e.type === 'message.delta' ? e.data.text : '')).join(''),
    );
    expect(stored).toMatchObject({
      status: 'complete',
      mode: 'answer',
      provider: 'embedded',
      citations: end.data.citations,
    });
    client.close();
  });

  it('keeps the partial answer, marked cancelled, when stopped mid-stream', async () => {
    core = await makeTestCore(path.join(dir, 'data'), {
      providerOverride: embedded,
      keychain: false,
      chat: { maxAnswerTokens: 4000 },
    });
    await core.library.add(writeNotes(path.join(dir, 'docs'), 2));
    await core.library.whenIdle();
    const sent = await core.chat.send({ text: 'Tell me a long story about river 1.' });
    const events: StreamEvent[] = [];
    const sub = core.hub.subscribe(sent.stream, { afterSeq: 0, listener: (e) => events.push(e) });
    events.push(...sub.events);
    await waitFor(() => events.filter((e) => e.type === 'message.delta').length >= 3, 120_000);
    expect(core.chat.stop(sent.messageId)).toBe(true);
    await waitFor(() => events.some((e) => e.type === 'message.end'), 30_000);
    const end = events.find((e) => e.type === 'message.end');
    expect(end?.type === 'message.end' && end.data.finishReason).toBe('cancelled');
    const stored = core.conversations.getMessage(sent.messageId)!;
    expect(stored.status).toBe('cancelled');
    expect(stored.text.length).toBeGreaterThan(0);
    expect(stored.text).toBe(
      events.map((e) => (e.type === 'message.delta' ? e.data.text : '')).join(''),
    );
  });

  it('leaves an interrupted message with its checkpointed text when the process is killed mid-answer', async () => {
    const data = path.join(dir, 'data');
    core = await makeTestCore(data, { keychain: false });
    await core.library.add(writeNotes(path.join(dir, 'docs'), 2));
    await core.library.whenIdle();
    await core.close();
    core = null;
    const models = await testModels();
    // A long answer, checkpointed every 100 ms, killed 400 ms into the stream. The tiny model
    // may end its story early, so a run that finishes first is tried again.
    const killMidAnswer = () =>
      new Promise<'killed' | 'finished'>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            CLI,
            'ask',
            'Tell me everything about river 1.',
            '--json',
            '--data',
            data,
            '--model-dir',
            models.modelsDir,
            '--embedding-model',
            BOW_MODEL,
            '--provider',
            'embedded',
            '--model',
            GGUF,
            // Two notes barely cover the question; the test is about the kill, not coverage.
            '--answer-anyway',
          ],
          {
            stdio: ['ignore', 'pipe', 'ignore'],
            env: { ...process.env, QUIRE_ANSWER_TOKENS: '4000', QUIRE_CHECKPOINT_MS: '100' },
          },
        );
        let firstDeltaAt = 0;
        let killed = false;
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
          if (killed || !line.includes('"message.delta"')) return;
          firstDeltaAt ||= Date.now();
          if (Date.now() - firstDeltaAt > 400) {
            killed = true;
            child.kill('SIGKILL');
          }
        });
        child.on('exit', () => resolve(killed ? 'killed' : 'finished'));
      });
    let outcome: 'killed' | 'finished' = 'finished';
    for (let attempt = 0; attempt < 4 && outcome === 'finished'; attempt++)
      outcome = await killMidAnswer();
    expect(outcome).toBe('killed');
    const store = new ConversationStore(data);
    const conversation = store
      .listConversations()
      .find((c) => store.listMessages(c.id).some((m) => m.status === 'interrupted'));
    const [question, answer] = store.listMessages(conversation!.id);
    expect(question).toMatchObject({ role: 'user', status: 'complete' });
    expect(answer).toMatchObject({
      role: 'assistant',
      status: 'interrupted',
      finishReason: 'interrupted',
    });
    expect(answer!.text.length).toBeGreaterThan(0);
    store.close();
  });
});
