import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../shared/contract/chat';
import type { Conversation, Source, StreamEvent } from '../../../shared/events';
import { exportCommand } from '../cli/export-command';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import type { QuireCore } from '../quire-core';
import { makeTestCore, PDF_DIR } from '../../../test/helpers/library-fixtures';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import type { AnswerChecks, SentenceCheck } from '../../../shared/answer-checks';
import { exportConversation, exportFileName, notBackedSentences } from './conversation-export';

type Footnote = { label: string; title: string; page: number | null; quote: string };

const unescape = (text: string) => text.replace(/\\([\\`*_[\]<>])/g, '$1');

/** Reads the export back: footnote references in order, and every definition by label. */
function parseFootnotes(markdown: string) {
  const definitions = new Map<string, Footnote>();
  const body: string[] = [];
  const checks = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const check = /^\[\^(check-[\w-]+)\]: (.*)$/.exec(line);
    if (check) {
      checks.set(check[1]!, unescape(check[2]!));
      continue;
    }
    // [^a-n]: *Title*, page P: "quote"; the place may also be a heading path, or absent.
    const def =
      /^\[\^([\w-]+)\]: \*(.+?)(?<!\\)\*(?:, (?:pages? (\d+)(?:–\d+)?|[^"]+?))?: "(.*)"$/.exec(
        line,
      );
    if (def)
      definitions.set(def[1]!, {
        label: def[1]!,
        title: unescape(def[2]!),
        page: def[3] ? Number(def[3]) : null,
        quote: unescape(def[4]!),
      });
    else body.push(line);
  }
  const all = [...body.join('\n').matchAll(/\[\^([\w-]+)\]/g)].map((m) => m[1]!);
  const refs = all.filter((label) => !label.startsWith('check-'));
  const checkRefs = all.filter((label) => label.startsWith('check-'));
  return { refs, definitions, checks, checkRefs };
}

describe('a cited conversation, exported', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let server: WireServer;
  let core: QuireCore;
  let conversationId: string;
  const memory = { transport: 'memory' as const, connection: null };

  async function ask(text: string, tokens: string[]) {
    server.setBehaviour({ type: 'stream', tokens });
    const sent = await core.dispatch(
      'chat.send',
      {
        text,
        ...(conversationId ? { conversationId } : {}),
      },
      memory,
    );
    if (!sent.ok) throw new Error(sent.error.message);
    const value = sent.value as { stream: string; conversationId: string };
    conversationId = value.conversationId;
    await new Promise<void>((resolve) => {
      const sub = core.hub.subscribe(value.stream, {
        afterSeq: 0,
        listener: (event: StreamEvent) => {
          if (event.type === 'message.end' || event.type === 'message.error') {
            sub.unsubscribe();
            resolve();
          }
        },
      });
    });
  }

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir('quire-export-'));
    server = await startOpenAiWireServer();
    core = await makeTestCore(path.join(dir, 'data'), {
      keychain: false,
      providerOverride: { kind: 'openai', baseUrl: `${server.url}/v1`, model: 'tiny-model' },
    });
    await core.library.add([path.join(PDF_DIR, 'acl_naacl06_two_column_paper.pdf')]);
    await core.library.whenIdle();
    await ask('How are the roles of entities labeled?', [
      'Each column holds ',
      'the roles of the entities [1]. ',
      'Articles were collected over two months [2].',
    ]);
    await ask('And how was the extraction extended?', [
      'It was extended gradually [2], ',
      'in the same manner as before [1, 3].',
    ]);
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await server?.close();
    await remove?.();
  });

  it('round-trips every citation: document, page and quoted passage', async () => {
    const exported = await core.dispatch('conversations.export', { conversationId }, memory);
    expect(exported.ok).toBe(true);
    const { markdown, fileName } = (exported as { value: { markdown: string; fileName: string } })
      .value;
    expect(fileName).toBe('how-are-the-roles-of-entities-labeled.md');
    const { refs, definitions } = parseFootnotes(markdown);

    const answers = core.conversations
      .listMessages(conversationId)
      .filter((m) => m.role === 'assistant');
    expect(answers.map((m) => m.citations)).toEqual([
      [1, 2],
      [2, 1, 3],
    ]);
    const expected = answers.flatMap((message, i) =>
      message.citations.map((n) => ({ label: `${i + 1}-${n}`, source: message.sources[n - 1]! })),
    );
    // References in reading order, answer by answer; no label shared between answers.
    expect(refs).toEqual(expected.map((e) => e.label));
    expect([...definitions.keys()].sort()).toEqual(expected.map((e) => e.label).sort());
    for (const { label, source } of expected) {
      expect(source.n).toBe(Number(label.split('-')[1]));
      expect(definitions.get(label)).toEqual({
        label,
        title: source.title,
        page: source.pageStart,
        quote: source.snippet,
      });
      expect(source.pageStart).toBeGreaterThanOrEqual(1);
    }
    // Every sentence its sources do not back has one check footnote, in reading order.
    const { checks, checkRefs } = parseFootnotes(markdown);
    const flagged = answers.flatMap((message, i) =>
      notBackedSentences(message.checks).map((_, k) => `check-${i + 1}-${k + 1}`),
    );
    expect(answers.every((m) => m.checks?.final)).toBe(true);
    expect(checkRefs).toEqual(flagged);
    expect([...checks.keys()]).toEqual(flagged);
    // The same stored conversation always exports to the same text.
    const again = await core.dispatch('conversations.export', { conversationId }, memory);
    expect((again as { value: { markdown: string } }).value.markdown).toBe(markdown);
  });

  it('exports from the command line to stdout or a file', async () => {
    const data = path.join(dir, 'data');
    const out = path.join(dir, 'answer.md');
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await exportCommand([conversationId, '--data', data])).toBe(0);
      expect(await exportCommand([conversationId, '--data', data, '--out', out])).toBe(0);
      expect(await exportCommand(['c-missing', '--data', data])).toBe(1);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const exported = await core.dispatch('conversations.export', { conversationId }, memory);
    const markdown = (exported as { value: { markdown: string } }).value.markdown;
    expect(written.join('')).toBe(markdown);
    expect(fs.readFileSync(out, 'utf8')).toBe(markdown);
  });
});

describe('exportConversation', () => {
  const conversation: Conversation = {
    id: 'c1',
    title: 'Café *notes* [draft]',
    createdAt: Date.UTC(2026, 0, 2),
    updatedAt: Date.UTC(2026, 0, 3),
    messageCount: 2,
  };
  const source = (n: number, extra: Partial<Source> = {}): Source => ({
    n,
    chunkId: `k${n}`,
    documentId: 'd1',
    title: 'notes_[v2].md',
    path: '/docs/notes_[v2].md',
    pageStart: null,
    pageEnd: null,
    charStart: 0,
    charEnd: 10,
    headingPath: ['Install', 'Linux'],
    snippet: `Run *make* with "sudo" [${n}]`,
    score: 1,
    ...extra,
  });
  const message = (role: Message['role'], text: string, extra: Partial<Message> = {}): Message => ({
    id: `m-${role}-${text.length}`,
    conversationId: 'c1',
    role,
    text,
    status: 'complete',
    mode: role === 'assistant' ? 'answer' : null,
    sources: [],
    citations: [],
    finishReason: null,
    error: null,
    provider: null,
    model: null,
    usage: null,
    timings: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  });

  it('links known sources only, leaves code alone and escapes titles and quotes', () => {
    const { markdown, fileName } = exportConversation(conversation, [
      message('user', 'How do I install it?'),
      message('assistant', 'Use make [1-2]; see `arr[1]` and [7].', {
        sources: [source(1), source(2, { pageStart: 4, pageEnd: 5 })],
        citations: [1, 2],
        status: 'cancelled',
      }),
    ]);
    expect(fileName).toBe('cafe-notes-draft.md');
    expect(markdown).toContain('# Café \\*notes\\* \\[draft\\]');
    expect(markdown).toContain('Use make [^1-1][^1-2]; see `arr[1]` and [7].');
    expect(markdown).toContain(
      '[^1-1]: *notes\\_\\[v2\\].md*, Install › Linux: "Run \\*make\\* with "sudo" \\[1\\]"',
    );
    expect(markdown).toContain('[^1-2]: *notes\\_\\[v2\\].md*, pages 4–5:');
    expect(markdown).toContain('*(Stopped before the end.)*');
    const parsed = parseFootnotes(markdown);
    expect(parsed.definitions.get('1-1')?.quote).toBe('Run *make* with "sudo" [1]');
    expect(parsed.definitions.get('1-1')?.title).toBe('notes_[v2].md');
  });

  it('lists search-mode passages without footnotes', () => {
    const { markdown } = exportConversation(conversation, [
      message('user', 'Install?'),
      message('assistant', 'No language model is set up.', {
        mode: 'search',
        sources: [source(1, { pageStart: 2, pageEnd: 2 })],
      }),
    ]);
    expect(markdown).toContain('1. *notes\\_\\[v2\\].md*, page 2: "Run');
    expect(markdown).not.toContain('[^');
  });

  it('marks each sentence its sources do not back, with a footnote saying why', () => {
    const text =
      'The reservoir holds 4,200 cubic metres [1]. It was built in 1991 by Halvard Okonkwo [1]. ' +
      'It serves 12 % of the region.';
    const sentence = (
      part: string,
      verdict: SentenceCheck['verdict'],
      note = '',
    ): SentenceCheck => ({
      start: text.indexOf(part),
      end: text.indexOf(part) + part.length,
      citations: part.includes('[1]') ? [1] : [],
      verdict,
      missing: [],
      evidence: [],
      entailment: null,
      note,
    });
    const checks: AnswerChecks = {
      sentences: [
        sentence('The reservoir holds 4,200 cubic metres [1].', 'supported'),
        sentence(
          'It was built in 1991 by Halvard Okonkwo [1].',
          'partly',
          '1991 is not in source 1',
        ),
        sentence('It serves 12 % of the region.', 'uncited', 'No source is cited for this.'),
      ],
      final: true,
      layers: ['words'],
      model: null,
      checked: 3,
      notBacked: 2,
      note: 'Only words and numbers were checked: the entailment model is not installed (Settings → Retrieval).',
    };
    const { markdown } = exportConversation(conversation, [
      message('user', 'Tell me about the reservoir.'),
      message('assistant', `${text}\n`, { sources: [source(1)], citations: [1], checks }),
    ]);
    expect(markdown).toContain(
      'The reservoir holds 4,200 cubic metres [^1-1]. ' +
        'It was built in 1991 by Halvard Okonkwo [^1-1].[^check-1-1] ' +
        'It serves 12 % of the region.[^check-1-2]\n',
    );
    expect(markdown).toContain('*2 of 3 sentences are not backed by their sources.*');
    expect(markdown).toContain('*Only words and numbers were checked: the entailment model');
    const parsed = parseFootnotes(markdown);
    expect(parsed.checks).toEqual(
      new Map([
        ['check-1-1', 'Partly backed by its sources: 1991 is not in source 1.'],
        ['check-1-2', 'No source is cited for this.'],
      ]),
    );
    // The citation footnote is still there, once.
    expect(parsed.refs).toEqual(['1-1', '1-1']);
    expect([...parsed.definitions.keys()]).toEqual(['1-1']);
  });

  it('an answer whose checks back every sentence gets no marks and no summary', () => {
    const text = 'Use make [1].';
    const { markdown } = exportConversation(conversation, [
      message('user', 'Install?'),
      message('assistant', text, {
        sources: [source(1)],
        citations: [1],
        checks: {
          sentences: [
            {
              start: 0,
              end: text.length,
              citations: [1],
              verdict: 'supported',
              missing: [],
              evidence: [],
              entailment: null,
              note: '',
            },
          ],
          final: true,
          layers: ['words', 'entailment'],
          model: 'nli',
          checked: 1,
          notBacked: 0,
          note: null,
        },
      }),
    ]);
    expect(markdown).not.toContain('check-');
    expect(markdown).not.toContain('not backed');
  });

  it('exports a question the library does not cover as its closest matches', () => {
    const { markdown } = exportConversation(conversation, [
      message('user', 'Who won the 1998 final?'),
      message(
        'assistant',
        "Your documents don't say. These are the closest passages Quire found, and none of them seems to answer the question.",
        { mode: 'closest', sources: [source(1), source(2, { pageStart: 3, pageEnd: 3 })] },
      ),
    ]);
    expect(markdown).toContain("### Quire\n\nYour documents don't say.");
    expect(markdown).toContain(
      'Closest matches:\n\n1. *notes\\_\\[v2\\].md*, Install › Linux: "Run',
    );
    expect(markdown).toContain('2. *notes\\_\\[v2\\].md*, page 3: "Run');
    expect(markdown).not.toContain('[^');
  });

  it('lists the pinned documents, by their library name or else their sources', () => {
    const pinned = { ...conversation, pinnedDocumentIds: ['d1', 'd2', 'd3'] };
    const { markdown } = exportConversation(
      pinned,
      [
        message('user', 'Install?'),
        message('assistant', 'Run make [1].', { sources: [source(1)], citations: [1] }),
      ],
      (id) => (id === 'd2' ? 'Manual *v2*.pdf' : undefined),
    );
    expect(markdown).toContain(
      '*Exported from Quire; last updated 2026-01-03.*\n\nPinned documents: *notes\\_\\[v2\\].md*, *Manual \\*v2\\*.pdf*, a document no longer in the library.\n',
    );
    const one = exportConversation(
      { ...conversation, pinnedDocumentIds: ['d2'] },
      [],
      () => 'a.pdf',
    );
    expect(one.markdown).toContain('Pinned document: *a.pdf*.');
    expect(exportConversation(conversation, []).markdown).not.toContain('Pinned');
  });

  it('leaves control characters out of quoted passages', () => {
    const { markdown } = exportConversation(conversation, [
      message('user', 'Where?'),
      message('assistant', 'In Belleville [1].', {
        sources: [source(1, { snippet: 'Rue de Belleville\u0002 and\u0085 more\u007f' })],
        citations: [1],
      }),
    ]);
    expect(markdown).toContain('"Rue de Belleville and more"');
    // eslint-disable-next-line no-control-regex
    expect(markdown).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
  });

  it('names the file from the title, or "conversation"', () => {
    expect(exportFileName('What changed in 2024?')).toBe('what-changed-in-2024.md');
    expect(exportFileName('???')).toBe('conversation.md');
  });
});
