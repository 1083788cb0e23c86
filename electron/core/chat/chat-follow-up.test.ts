import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendResult } from '../../../shared/contract/chat';
import type { EventData, StreamEvent } from '../../../shared/events';
import { EmbeddedProvider, type EmbeddedRunStats } from '../providers/embedded-provider';
import type { QuireCore } from '../quire-core';
import { makeTestCore, PDF_DIR, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import type { ChatProvider } from './chat-types';
import type { PromptTurn } from './prompt';

const GGUF = fileURLToPath(
  new URL('../../../../shared/models/gguf/stories260K.gguf', import.meta.url),
);

type Turn = { sent: SendResult; end: EventData['message.end']; run: EmbeddedRunStats };

/**
 * Follow-ups through the whole pipeline with the real stories260K model: the observable is
 * llama.cpp's own token meter (prompt tokens it evaluated), read after each answer.
 */
describe('follow-up questions reuse the embedded model session', () => {
  let remove: () => Promise<void>;
  let core: QuireCore;
  let provider: ChatProvider | null = null;

  beforeAll(async () => {
    let dir: string;
    ({ dir, remove } = await makeTempDir());
    core = await makeTestCore(path.join(dir, 'data'), {
      providerOverride: { kind: 'embedded', modelPath: GGUF },
      keychain: false,
      chat: { maxPromptTokens: 600, maxAnswerTokens: 48 },
      wrapProvider: (p) => (provider = p),
    });
    await core.library.add([
      path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf'),
      ...writeNotes(path.join(dir, 'docs'), 4),
    ]);
    await core.library.whenIdle();
  }, 180_000);
  afterAll(async () => {
    await core?.close();
    await remove();
  });

  async function ask(
    text: string | { regenerate: string },
    conversationId?: string,
  ): Promise<Turn> {
    const sent =
      typeof text === 'string'
        ? await core.chat.send({ conversationId, text })
        : await core.chat.regenerate(text.regenerate);
    const events: StreamEvent[] = [];
    const sub = core.hub.subscribe(sent.stream, { afterSeq: 0, listener: (e) => events.push(e) });
    events.push(...sub.events);
    await waitFor(
      () => events.some((e) => e.type === 'message.end' || e.type === 'message.error'),
      120_000,
    );
    sub.unsubscribe();
    const end = events.find((e) => e.type === 'message.end');
    if (end?.type !== 'message.end') throw new Error(JSON.stringify(events.at(-1)?.data));
    if (!(provider instanceof EmbeddedProvider) || !provider.lastRun)
      throw new Error('the embedded provider did not run');
    return { sent, end: end.data, run: provider.lastRun };
  }
  const reused = (run: EmbeddedRunStats) => run.promptTokens - run.evaluatedPromptTokens;
  const tokens = async (...texts: string[]) => {
    let sum = 0;
    for (const text of texts) sum += await provider!.countTokens(text);
    return sum;
  };
  const sentFor = (questionId: string) => {
    const question = core.conversations.getMessage(questionId)!;
    const sent = core.conversations.sentPrompt(question);
    if (sent === undefined) throw new Error('no prompt was recorded for the question');
    return sent;
  };
  const answerText = (messageId: string) => core.conversations.getMessage(messageId)!.text;

  it('evaluates only the new turn on a follow-up, and everything again when the history differs', async () => {
    const first = await ask('What do the notes say about river 2?');
    const conversationId = first.sent.conversationId;
    expect(first.run.reusedSession).toBe(false);
    const sent1 = sentFor(first.sent.userMessageId);
    expect(sent1).toMatch(/^Sources:\n\n\[1\] /);
    expect(sent1.endsWith('Question: What do the notes say about river 2?')).toBe(true);
    const exchange1 = await tokens(sent1, answerText(first.sent.messageId));

    // The follow-up replays the first exchange byte for byte: llama.cpp keeps it cached.
    const second = await ask('And what about river 3?', conversationId);
    expect(second.run.sessionKey).toBe(conversationId);
    expect(second.run.reusedSession).toBe(true);
    expect(reused(second.run)).toBeGreaterThanOrEqual(exchange1);
    const sent2 = sentFor(second.sent.userMessageId);
    expect(sent2.endsWith('Question: And what about river 3?')).toBe(true); // the user's words
    expect(second.run.evaluatedPromptTokens).toBeLessThanOrEqual(
      second.run.promptTokens - exchange1,
    );

    // Contrast: the same follow-up in a new conversation has nothing to reuse.
    const elsewhere = await ask('And what about river 3?');
    expect(elsewhere.sent.conversationId).not.toBe(conversationId);
    expect(elsewhere.run.reusedSession).toBe(false);
    expect(reused(elsewhere.run)).toBeLessThan(await tokens(sent1));

    // Regenerate replaces the last answer: the cached tail differs, so the session is reset,
    // yet llama.cpp still keeps the token prefix it shares (the first exchange).
    const again = await ask({ regenerate: second.sent.messageId });
    expect(again.sent.userMessageId).toBe(second.sent.userMessageId);
    expect(again.run.reusedSession).toBe(false);
    expect(reused(again.run)).toBeGreaterThanOrEqual(exchange1);

    // A follow-up after the regenerate continues with the new answer.
    const third = await ask('Why is that?', conversationId);
    expect(third.run.reusedSession).toBe(true);
    const exchange2 = await tokens(
      sentFor(second.sent.userMessageId),
      answerText(again.sent.messageId),
    );
    expect(reused(third.run)).toBeGreaterThanOrEqual(exchange1 + exchange2);

    // Contrast: history edited at its first answer. Everything after the edit is evaluated again.
    const firstAnswer = core.conversations.getMessage(first.sent.messageId)!;
    core.conversations.putMessage({ ...firstAnswer, text: `Edited. ${firstAnswer.text}` });
    const fourth = await ask('What else?', conversationId);
    expect(fourth.run.reusedSession).toBe(false);
    const afterEdit = await tokens(
      `Edited. ${firstAnswer.text}`,
      sentFor(second.sent.userMessageId),
      answerText(again.sent.messageId),
      sentFor(third.sent.userMessageId),
      answerText(third.sent.messageId),
      sentFor(fourth.sent.userMessageId),
    );
    expect(fourth.run.evaluatedPromptTokens).toBeGreaterThanOrEqual(afterEdit);
    expect(reused(fourth.run)).toBeLessThan(reused(third.run) - exchange2);
  }, 300_000);
});

describe('follow-up questions when the history outgrows a small context', () => {
  let remove: () => Promise<void>;
  let core: QuireCore;
  let provider: ChatProvider | null = null;
  let lastMessages: PromptTurn[] = [];
  const CONTEXT = 768;

  beforeAll(async () => {
    let dir: string;
    ({ dir, remove } = await makeTempDir());
    core = await makeTestCore(path.join(dir, 'data'), {
      providerOverride: { kind: 'embedded', modelPath: GGUF, contextSize: CONTEXT },
      keychain: false,
      // Each new turn may add about half the room, so one earlier exchange fits beside it and
      // two do not.
      chat: { maxAnswerTokens: 48, maxPromptTokens: 350 },
      // Records what the pipeline sends; the real provider does the work.
      wrapProvider: (p) => {
        provider = p;
        if (!p) return p;
        return {
          kind: p.kind,
          model: p.model,
          contextSize: () => p.contextSize(),
          countTokens: (text) => p.countTokens(text),
          stream: (request) => {
            lastMessages = request.messages;
            return p.stream(request);
          },
        };
      },
    });
    await core.library.add(writeNotes(path.join(dir, 'docs'), 6));
    await core.library.whenIdle();
  }, 180_000);
  afterAll(async () => {
    await core?.close();
    await remove();
  });

  it('drops the oldest exchange, and the session starts over from what was sent', async () => {
    const turns: { questionId: string; answerId: string; run: EmbeddedRunStats }[] = [];
    let conversationId: string | undefined;
    const requests: PromptTurn[][] = [];
    for (const text of ['What is said about river 1?', 'And river 2?', 'And river 4?']) {
      const sent = await core.chat.send({ conversationId, text });
      conversationId = sent.conversationId;
      await waitFor(() => {
        const status = core.conversations.getMessage(sent.messageId)?.status;
        return status !== 'streaming';
      }, 120_000);
      expect(core.conversations.getMessage(sent.messageId)).toMatchObject({ status: 'complete' });
      if (!(provider instanceof EmbeddedProvider) || !provider.lastRun)
        throw new Error('the embedded provider did not run');
      requests.push(lastMessages);
      turns.push({
        questionId: sent.userMessageId,
        answerId: sent.messageId,
        run: provider.lastRun,
      });
    }
    const sent = (i: number) =>
      core.conversations.sentPrompt(core.conversations.getMessage(turns[i]!.questionId)!)!;
    const answer = (i: number) => core.conversations.getMessage(turns[i]!.answerId)!.text;
    const tokens = async (...texts: string[]) => {
      let sum = 0;
      for (const text of texts) sum += await provider!.countTokens(text);
      return sum;
    };
    // Two earlier exchanges do not fit with the third question's sources: the first is dropped,
    // the second replayed as it was sent.
    expect(requests[1]!.slice(1)).toEqual([
      { role: 'user', content: sent(0) },
      { role: 'assistant', content: answer(0) },
      { role: 'user', content: sent(1) },
    ]);
    expect(requests[2]!.slice(1)).toEqual([
      { role: 'user', content: sent(1) },
      { role: 'assistant', content: answer(1) },
      { role: 'user', content: sent(2) },
    ]);
    const third = turns[2]!.run;
    expect(turns[1]!.run.reusedSession).toBe(true);
    expect(third.reusedSession).toBe(false);
    expect(third.trimmed).toBe(false); // the pipeline fitted it; the provider had nothing to cut
    expect(third.promptTokens + 48).toBeLessThanOrEqual(CONTEXT);
    expect(third.evaluatedPromptTokens).toBeGreaterThanOrEqual(await tokens(sent(2)));
  }, 300_000);
});
