// Whole-document questions and pinned documents against a server speaking the real OpenAI
// streaming wire format, with scripted answers that cite sources by number.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../shared/events';
import {
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
    expect(labels(events)).toContain(`Reading section ${sections.length} of ${sections.length}`);
    expect(labels(events)).toContain(`Writing the answer from ${sections.length} sections`);
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
