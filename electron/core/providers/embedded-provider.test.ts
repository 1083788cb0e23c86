import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedProvider } from './embedded-provider';
import { collectStream } from '../../../test/helpers/provider-servers/collect-stream';
import type { ChatTurn } from './types';

const MODEL = path.resolve(import.meta.dirname, '../../../../shared/models/gguf/stories260K.gguf');
const SYSTEM: ChatTurn = { role: 'system', content: 'You tell short stories about Lily.' };
const Q1: ChatTurn = {
  role: 'user',
  content: 'Once upon a time, there was a little girl named Lily.',
};
const Q2: ChatTurn = { role: 'user', content: 'What did Lily do next?' };
const signal = () => new AbortController().signal;

describe('embedded provider (node-llama-cpp, stories260K)', () => {
  let provider: EmbeddedProvider;
  beforeAll(() => {
    provider = new EmbeddedProvider({ modelPath: MODEL, threads: 1, sequences: 2 });
  });
  afterAll(() => provider.dispose());

  it('loads the model in test() and reports its context', async () => {
    const result = await provider.test();
    expect(result).toMatchObject({ ok: true });
    expect(await provider.contextSize()).toBe(2048);
    expect(await provider.countTokens('Lily went to the park.')).toBeGreaterThan(3);
  });

  it('streams non-empty text in several deltas', async () => {
    const out = await collectStream(
      provider.stream({ messages: [SYSTEM, Q1], maxTokens: 40, signal: signal(), sessionKey: 'a' }),
    );
    expect(out.error).toBeUndefined();
    expect(out.deltas.length).toBeGreaterThan(3);
    expect(out.text.trim().length).toBeGreaterThan(0);
    expect(out.result?.finishReason).toMatch(/^(stop|length)$/);
    expect(out.result?.usage.completionTokens).toBeGreaterThan(0);
    expect(out.result?.usage.promptTokens).toBeGreaterThan(10);
  });

  it('a follow-up on the same sessionKey evaluates only the new turn', async () => {
    const first = await collectStream(
      provider.stream({
        messages: [SYSTEM, Q1],
        maxTokens: 40,
        signal: signal(),
        sessionKey: 'conv-1',
      }),
    );
    expect(provider.lastRun?.reusedSession).toBe(false);
    const followUp: ChatTurn[] = [SYSTEM, Q1, { role: 'assistant', content: first.text }, Q2];
    const second = await collectStream(
      provider.stream({
        messages: followUp,
        maxTokens: 40,
        signal: signal(),
        sessionKey: 'conv-1',
      }),
    );
    expect(second.text.length).toBeGreaterThan(0);
    const run = provider.lastRun;
    expect(run?.reusedSession).toBe(true);
    expect(run?.promptTokens).toBe(second.result?.usage.promptTokens);
    expect(run?.evaluatedPromptTokens).toBeLessThan((run?.promptTokens ?? 0) / 2);

    // A regenerate sends a history that does not extend the cached one: the session resets.
    await collectStream(
      provider.stream({
        messages: [SYSTEM, Q1],
        maxTokens: 20,
        signal: signal(),
        sessionKey: 'conv-1',
      }),
    );
    expect(provider.lastRun?.reusedSession).toBe(false);
  });

  it('abort mid-stream returns the partial text with finishReason cancelled', async () => {
    const controller = new AbortController();
    const out = await collectStream(
      provider.stream({
        messages: [SYSTEM, Q1],
        maxTokens: 400,
        signal: controller.signal,
        sessionKey: 'b',
      }),
      (_delta, index) => {
        if (index === 2) controller.abort();
      },
    );
    expect(out.error).toBeUndefined();
    expect(out.result?.finishReason).toBe('cancelled');
    expect(out.deltas.length).toBeGreaterThanOrEqual(3);
    expect(out.result?.usage.completionTokens).toBeLessThan(400);
  });

  it('evicts the least recently used session beyond its sequences', async () => {
    for (const key of ['x', 'y', 'z']) {
      await collectStream(
        provider.stream({ messages: [Q1], maxTokens: 5, signal: signal(), sessionKey: key }),
      );
    }
    const stats = provider.sessionStats();
    expect(stats?.warm).toBe(2);
    expect(stats?.evicted).toBeGreaterThan(0);
  });

  it('serves overlapping requests one after the other', async () => {
    const [a, b] = await Promise.all([
      collectStream(
        provider.stream({ messages: [Q1], maxTokens: 10, signal: signal(), sessionKey: 'p' }),
      ),
      collectStream(
        provider.stream({ messages: [Q2], maxTokens: 10, signal: signal(), sessionKey: 'q' }),
      ),
    ]);
    expect(a.text.length).toBeGreaterThan(0);
    expect(b.text.length).toBeGreaterThan(0);
  });
});

describe('embedded provider with a small context', () => {
  let provider: EmbeddedProvider;
  beforeAll(() => {
    provider = new EmbeddedProvider({
      modelPath: MODEL,
      contextSize: 256,
      threads: 1,
      sequences: 1,
    });
  });
  afterAll(() => provider.dispose());

  it('trims history and system text instead of failing the context shift', async () => {
    const long = 'Lily and Tom played in the park with a big red ball. '.repeat(40);
    const history: ChatTurn[] = [
      { role: 'system', content: long },
      Q1,
      { role: 'assistant', content: long },
      Q2,
    ];
    const out = await collectStream(
      provider.stream({ messages: history, maxTokens: 60, signal: signal() }),
    );
    expect(out.error).toBeUndefined();
    expect(out.text.length).toBeGreaterThan(0);
    expect(provider.lastRun?.trimmed).toBe(true);
    expect((provider.lastRun?.promptTokens ?? 0) + 60).toBeLessThanOrEqual(256);
  });

  it('keeps the end of an oversized question', async () => {
    const question = `${'blah '.repeat(400)}What did Lily find?`;
    const out = await collectStream(
      provider.stream({
        messages: [{ role: 'user', content: question }],
        maxTokens: 40,
        signal: signal(),
      }),
    );
    expect(out.error).toBeUndefined();
    expect(provider.lastRun?.trimmed).toBe(true);
  });
});

describe('embedded provider with a bad model file', () => {
  it('reports a missing file as model_unavailable, with the path', async () => {
    const missing = path.join(os.tmpdir(), 'quire-no-such-model.gguf');
    const provider = new EmbeddedProvider({ modelPath: missing });
    const out = await collectStream(provider.stream({ messages: [Q1], signal: signal() }));
    expect(out.error).toMatchObject({ code: 'model_unavailable' });
    expect(out.error?.message).toContain(missing);
    expect(await provider.test()).toMatchObject({ ok: false, code: 'model_unavailable' });
  });

  it('reports a corrupt file as model_unavailable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bad-gguf-'));
    const bad = path.join(dir, 'broken.gguf');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(4096, 7)]));
    try {
      const result = await new EmbeddedProvider({ modelPath: bad }).test();
      expect(result).toMatchObject({ ok: false, code: 'model_unavailable' });
      if (!result.ok) expect(result.message).toContain(bad);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
