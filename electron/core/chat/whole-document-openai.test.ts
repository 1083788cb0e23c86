// Whole-document questions and pinned documents against a server speaking the real OpenAI
// streaming wire format, with scripted answers that cite sources by number.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import {
  llamaPromptTokens,
  startOpenAiWireServer,
  type RecordedRequest,
  type WireBehaviour,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import type { QuireCore } from '../quire-core';
import { createInMemoryTransport } from '../rpc/in-memory-transport';
import { makeTestCore, PDF_DIR, writeNotes } from '../../../test/helpers/library-fixtures';
import { makeTempDir, waitFor } from '../../../test/helpers/temp-dir';
import { ConversationStore } from './conversation-store';

let dir: string;
let remove: () => Promise<void>;
let server: WireServer;
let core: QuireCore;
let client: ReturnType<typeof createInMemoryTransport>;
const ids = { report: '', note: '' };

beforeAll(async () => {
  ({ dir, remove } = await makeTempDir());
  server = await startOpenAiWireServer();
  core = await makeTestCore(path.join(dir, 'data'), {
    keychain: false,
    providerOverride: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
    providerTimeouts: { connectMs: 5_000, idleMs: 2_000 },
  });
  const [note] = writeNotes(path.join(dir, 'docs'), 1);
  await core.library.add([path.join(PDF_DIR, 'dmca_summary_18p_rc4.pdf'), note!]);
  await core.library.whenIdle();
  for (const doc of core.library.registry.all()) {
    expect(doc.status).toBe('ready');
    if (doc.kind === 'pdf') ids.report = doc.id;
    else ids.note = doc.id;
  }
  client = createInMemoryTransport(core.dispatch);
}, 180_000);

afterAll(async () => {
  client?.close();
  await core?.close();
  await server?.close();
  await remove();
});

function userTurn(request: RecordedRequest): string {
  const body = request.body as { messages?: Array<{ content: string }> } | undefined;
  return body?.messages?.at(-1)?.content ?? '';
}

/** Source k → page, as the prompt labels them ("[k] Title, page P"). */
function labelledPages(user: string): Map<number, number> {
  return new Map(
    [...user.matchAll(/^\[(\d+)\] [^\n]*, page (\d+)/gm)].map((m) => [Number(m[1]), Number(m[2])]),
  );
}

const chatRequests = () => server.requests.filter((r) => r.path === '/v1/chat/completions');

async function ask(args: { text: string; documentId?: string; conversationId?: string }) {
  const before = chatRequests().length;
  const sent = await client.invoke('chat.send', args);
  if (!sent.ok) throw new Error(sent.error.message);
  const events: StreamEvent[] = [];
  client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
  await waitFor(() => events.some((e) => e.type === 'message.end'), 60_000);
  expect(events.filter((e) => e.type === 'message.end')).toHaveLength(1);
  expect(events.at(-1)!.type).toBe('message.end');
  const message = core.conversations.getMessage(sent.value.messageId)!;
  return { events, message, sent: sent.value, requests: chatRequests().slice(before) };
}

const labels = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === 'step' && e.data.status !== 'running' ? [e.data.label] : []));

describe('whole-document questions over the OpenAI wire format', () => {
  it('maps sections to notes and reduces them to an answer whose citations land on the pages the sections cited', async () => {
    const citedPage = new Map<number, number>(); // section → the page its note cites
    server.setBehaviour((request): WireBehaviour => {
      const user = userTurn(request);
      const section = /^Section (\d+) of/.exec(user);
      if (section) {
        // Cite the section's last source: a local number that is not the document-wide one.
        const pages = labelledPages(user);
        const last = Math.max(...pages.keys());
        citedPage.set(Number(section[1]), pages.get(last)!);
        return { type: 'stream', tokens: [`Point ${section[1]} `, `[${last}]`, '.'] };
      }
      const cited = [...new Set([...user.matchAll(/\[(\d+)\]/g)].map((m) => m[1]))];
      return { type: 'stream', tokens: ['In short: ', ...cited.map((n) => `fact [${n}]. `)] };
    });
    const { events, message, requests } = await ask({
      text: 'List every deadline in this document.',
      documentId: ids.report,
    });
    const sections = requests.filter((r) => /^Section \d+ of/.test(userTurn(r)));
    expect(sections.length).toBeGreaterThan(1);
    expect(requests.length).toBe(sections.length + 1);
    expect(userTurn(requests.at(-1)!)).toMatch(/^Notes on/);
    expect(message.status).toBe('complete');
    expect(message.citations.length).toBe(sections.length);
    const pagesCited = message.citations.map((n) => message.sources[n - 1]!.pageStart);
    expect(pagesCited.sort((a, b) => a! - b!)).toEqual(
      [...citedPage.values()].sort((a, b) => a - b),
    );
    expect(labels(events)).toContain(`Read all ${sections.length} sections`);
    expect(labels(events)).toContain(`Writing the answer from ${sections.length} sections`);
  });

  it('shows which section is being read, how far along and about how long is left', async () => {
    // Each note takes a moment, so the estimate has times to go on.
    server.setBehaviour({ type: 'stream', tokens: ['Nothing ', 'relevant.'], delayMs: 15 });
    const { events, requests } = await ask({
      text: 'What does it say about fees?',
      documentId: ids.report,
    });
    const total = requests.filter((r) => /^Section \d+ of/.test(userTurn(r))).length;
    expect(total).toBeGreaterThan(2);
    const reading = events.flatMap((e) =>
      e.type === 'step' && e.data.step === 'read' && e.data.status === 'running' ? [e.data] : [],
    );
    expect(reading).toHaveLength(total);
    expect(reading[0]).toMatchObject({ label: `Reading section 1 of ${total}`, progress: 0 });
    for (const [i, step] of reading.entries()) {
      expect(step.progress).toBeCloseTo(i / total);
      if (i > 0)
        expect(step.label).toMatch(
          new RegExp(
            `^Reading section ${i + 1} of ${total} · (under a minute|about \\d+ min) left$`,
          ),
        );
    }
    // Why this many: the context, in words of the document.
    expect(labels(events)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${total} sections: the model's 8,192-token context holds about [\\d,]+ words at a time$`,
        ),
      ),
    );
  });

  it('stopped mid-map, lists as sources only the pages it read, and its citations still land on them', async () => {
    let messageId = '';
    let stopped = false;
    const read: number[] = []; // the pages in the section prompts sent before the stop
    server.setBehaviour((request): WireBehaviour => {
      const user = userTurn(request);
      const section = /^Section (\d+) of/.exec(user);
      if (section?.[1] === '3') {
        stopped = true;
        void client.invoke('chat.stop', { messageId });
        return { type: 'hang', tokens: [], after: 0 };
      }
      const pages = labelledPages(user);
      read.push(...pages.values());
      return { type: 'stream', tokens: [`Fees are due [${Math.max(...pages.keys())}].`] };
    });
    const sent = await client.invoke('chat.send', {
      text: 'What are the fees?',
      documentId: ids.report,
    });
    if (!sent.ok) throw new Error(sent.error.message);
    messageId = sent.value.messageId;
    const events: StreamEvent[] = [];
    client.follow(sent.value.stream, { onSnapshot: () => {}, onEvent: (e) => events.push(e) }, 0);
    await waitFor(() => events.some((e) => e.type === 'message.end'), 60_000);
    expect(stopped).toBe(true);
    const message = core.conversations.getMessage(messageId)!;
    expect(message.status).toBe('cancelled');
    const lastRead = Math.max(...read);
    // Sources 1..k are pages 1..k; nothing past the last page read is listed.
    expect(message.sources.map((s) => s.pageStart)).toEqual(
      Array.from({ length: lastRead }, (_, i) => i + 1),
    );
    const corrected = events.filter((e) => e.type === 'message.sources').at(-1);
    expect(corrected?.type === 'message.sources' && corrected.data.sources).toEqual(
      message.sources,
    );
    // Each note cited its section's last page: those are the citations kept, on those pages.
    expect(message.citations.length).toBe(2);
    for (const n of message.citations) expect(read).toContain(message.sources[n - 1]!.pageStart);
    expect(labels(events)).toContain(
      `Stopped after reading 2 of ${/of (\d+) sections/.exec(message.text)?.[1]} sections`,
    );
  });

  it('a connection dropped mid-map is a truthful error, and no answer is made up from the rest', async () => {
    server.setBehaviour((request): WireBehaviour => {
      const user = userTurn(request);
      if (/^Section 2 of/.test(user))
        return { type: 'disconnect', tokens: ['Half ', 'a ', 'note'], after: 2 };
      return { type: 'stream', tokens: ['Nothing relevant.'] };
    });
    const { events, message, requests } = await ask({
      text: 'Summarise this report.',
      documentId: ids.report,
    });
    const failure = events.find((e) => e.type === 'message.error');
    if (failure?.type !== 'message.error') throw new Error('expected an error');
    expect(failure.data.message).toMatch(
      /^Reading “.+” failed at section 2 of \d+, so there is no answer/,
    );
    expect(failure.data.retryable).toBe(true);
    expect(events.at(-2)).toBe(failure);
    expect(requests.some((r) => /^(Notes on|Section 3 of)/.test(userTurn(r)))).toBe(false);
    expect(message).toMatchObject({ status: 'error', text: '' });
  });

  it('a document that fits is sent whole in one prompt, every part a numbered source', async () => {
    server.setBehaviour({ type: 'stream', tokens: ['River ', '[1].'] });
    const { events, message, requests } = await ask({
      text: 'What is this note about?',
      documentId: ids.note,
    });
    expect(requests).toHaveLength(1);
    const user = userTurn(requests[0]!);
    expect(user).toContain('Paragraph 0 of note 0');
    expect(user).toContain('More words about item 0.');
    expect(labels(events)).toContain('Writing the answer from the whole document');
    expect(labels(events).some((l) => l.startsWith('Reading section'))).toBe(false);
    expect(message).toMatchObject({ status: 'complete', citations: [1], mode: 'answer' });
    expect(message.sources.every((s) => s.documentId === ids.note)).toBe(true);
  });
});

describe('a two-column paper at a 2,048-token llama-server', () => {
  const CHARS_PER_TOKEN = 4;
  let small: { server: WireServer; core: QuireCore; dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    const temp = await makeTempDir();
    const llama = await startOpenAiWireServer({
      llamaServer: { nCtx: 2048, charsPerToken: CHARS_PER_TOKEN },
    });
    const smallCore = await makeTestCore(path.join(temp.dir, 'data'), {
      keychain: false,
      providerOverride: { kind: 'openai', baseUrl: `${llama.url}/v1`, model: 'tiny-model' },
    });
    small = { server: llama, core: smallCore, ...temp };
    await smallCore.library.add([path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf')]);
    await smallCore.library.whenIdle();
  }, 180_000);

  afterAll(async () => {
    await small?.core.close();
    await small?.server.close();
    await small?.remove();
  });

  it('fills each section to what the context holds, so there are fewer sections than pages, and says why', async () => {
    small.server.setBehaviour({ type: 'stream', tokens: ['Nothing relevant.'] });
    const doc = small.core.library.registry.all()[0]!;
    const result = await small.core.chat.send({ text: 'What is the method?', documentId: doc.id });
    const events: StreamEvent[] = [];
    const sub = small.core.hub.subscribe(result.stream, {
      afterSeq: 0,
      listener: (e) => events.push(e),
    });
    events.push(...sub.events);
    await waitFor(() => events.some((e) => e.type === 'message.end'), 60_000);
    sub.unsubscribe();
    expect(small.core.conversations.getMessage(result.messageId)!.status).toBe('complete');

    const sent = small.server.requests.filter((r) => r.path === '/v1/chat/completions');
    const sections = sent.filter((r) => /^Section \d+ of/.test(userTurn(r)));
    // Eight pages of 850 to 1,350 tokens: one page a section if pages were never split.
    expect(sections.length).toBeGreaterThan(1);
    expect(sections.length).toBeLessThan(8);
    // Every section but the last fills the context, less the note's room and a small margin;
    // none overflows it (the server would refuse it).
    const used = sections.map((r) => {
      const body = r.body as {
        messages: Array<{ role: string; content: string }>;
        max_tokens: number;
      };
      return llamaPromptTokens(body.messages, CHARS_PER_TOKEN) + body.max_tokens;
    });
    for (const tokens of used) expect(tokens).toBeLessThanOrEqual(2048);
    for (const tokens of used.slice(0, -1)) expect(tokens).toBeGreaterThan(0.85 * 2048);
    const why = labels(events).find((l) => l.includes('context holds'));
    expect(why).toMatch(
      new RegExp(
        `^${sections.length} sections: the model's 2,048-token context holds about [\\d,]+ words at a time$`,
      ),
    );
  });
});

describe('pinned documents', () => {
  it('puts pinned text in every prompt, says when it was cut, and keeps pins with the conversation', async () => {
    server.setBehaviour({ type: 'stream', tokens: ['Noted ', '[1].'] });
    const pinned = await client.invoke('conversations.pin', { documentId: ids.note });
    if (!pinned.ok) throw new Error(pinned.error.message);
    const conversationId = pinned.value.id;
    expect(pinned.value.pinnedDocumentIds).toEqual([ids.note]);

    const first = await ask({ text: 'What about river zero?', conversationId });
    expect(userTurn(first.requests[0]!)).toContain('More words about item 0.');
    expect(labels(first.events)).toContain(
      `Pinned “${core.library.registry.get(ids.note)!.name}”: all of it is in the prompt`,
    );

    const both = await client.invoke('conversations.pin', {
      conversationId,
      documentId: ids.report,
    });
    if (!both.ok) throw new Error(both.error.message);
    const second = await ask({ text: 'And the report?', conversationId });
    const user = userTurn(second.requests[0]!);
    const reportPages = [...labelledPages(user).values()];
    expect(reportPages[0]).toBe(1);
    const cut = labels(second.events).find((l) => l.endsWith("the model's context"));
    // "Only pages 1–3 of “report.pdf” (12 pages) fit …" or "Only part of page 1 of … fits …".
    const [, firstPage, lastPage, total] =
      /^Only pages? (\d+)(?:–(\d+))? of “.+” \((\d+) pages\)/.exec(cut!) ?? [
        null,
        null,
        null,
        null,
      ];
    if (firstPage === null) {
      expect(cut).toMatch(/^Only part of page 1 of “.+” fits the model's context$/);
      expect(reportPages).toHaveLength(1);
    } else {
      const included = Number(lastPage ?? firstPage) - Number(firstPage) + 1;
      expect(included).toBeLessThan(Number(total));
      expect(reportPages).toHaveLength(included);
    }
    expect(user).toContain('More words about item 0.');

    const reader = new ConversationStore(path.join(dir, 'data'), { readOnly: true });
    expect(reader.getConversation(conversationId)?.pinnedDocumentIds).toEqual([
      ids.note,
      ids.report,
    ]);
    reader.close();

    const unpinned = await client.invoke('conversations.unpin', {
      conversationId,
      documentId: ids.report,
    });
    expect(unpinned.ok && unpinned.value.pinnedDocumentIds).toEqual([ids.note]);
    const missing = await client.invoke('conversations.pin', { documentId: 'd_nope' });
    expect(missing.ok ? null : missing.error.code).toBe('not_found');
  });
});
