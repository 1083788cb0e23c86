// `quire ask` marks the sentences their sources do not back, and explains each mark.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../shared/contract/chat';
import type { Source } from '../../../shared/events';
import { testModels } from '../../../test/helpers/embedding-fixtures';
import { BOW_MODEL, makeTestCore, writeNotes } from '../../../test/helpers/library-fixtures';
import {
  startOpenAiWireServer,
  type WireServer,
} from '../../../test/helpers/provider-servers/openai-wire-server';
import { makeTempDir } from '../../../test/helpers/temp-dir';
import { askCommand, formatAnswer } from './ask-command';

const RESERVOIR =
  '# Meridian reservoir\n\nThe Meridian reservoir holds 4,200 cubic metres of water. ' +
  'It was built in 1987 by the engineer Halvard Okonkwo. Its dam is 38 metres high.\n';

describe('quire ask against a provider', () => {
  let dir = '';
  let remove: () => Promise<void> = async () => {};
  let server: WireServer;
  let modelsDir = '';

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir('quire-ask-checks-'));
    server = await startOpenAiWireServer();
    ({ modelsDir } = await testModels());
    const core = await makeTestCore(path.join(dir, 'data'));
    const docs = path.join(dir, 'docs');
    const files = writeNotes(docs, 6);
    fs.writeFileSync(path.join(docs, 'reservoir.md'), RESERVOIR);
    await core.library.add([...files, path.join(docs, 'reservoir.md')]);
    await core.library.whenIdle();
    await core.close();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await remove();
  });

  async function ask(tokens: string[], ...flags: string[]) {
    server.setBehaviour({ type: 'stream', tokens });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      const code = await askCommand([
        'How much water does the Meridian reservoir hold, and who built it?',
        ...['--provider', 'openai', '--model', 'tiny-model', '--base-url', `${server.url}/v1`],
        ...['--data', path.join(dir, 'data'), '--model-dir', modelsDir],
        ...['--embedding-model', BOW_MODEL],
        ...flags,
      ]);
      return { code, stdout: stdout.join(''), stderr: stderr.join('') };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  const TOKENS = [
    'The reservoir holds ',
    '4,200 cubic metres [1]. ',
    'It was built in ',
    '1991 by Halvard Okonkwo [1]. ',
    'Its dam is 38 metres high [1].',
  ];

  it('marks a sentence with a wrong number and explains the mark under the answer', async () => {
    const result = await ask(TOKENS);
    expect(result.code).toBe(0);
    const [answer = '', rest = ''] = result.stdout.split('\nSources:\n');
    expect(answer).toContain(
      'The reservoir holds 4,200 cubic metres [1]. It was built in 1991 by Halvard Okonkwo [1].⚠1 Its dam is 38 metres high [1].\n',
    );
    // Only the sentence that is not backed has a mark.
    expect(answer.match(/⚠/g)).toHaveLength(2);
    expect(answer).toContain('\n1 of 3 sentences is not backed by their sources\n');
    expect(answer).toContain('\n⚠1 partly: 1991 is not in source 1\n');
    // What the checks could not do (no entailment model here).
    expect(answer).toMatch(/\n.*words and numbers.*\n/);
    expect(rest).toMatch(/^\[1\]\* reservoir\.md: /m);
    expect(rest).toContain('(* cited in the answer)');
  }, 60_000);

  it('--json passes message.checks events through and ends with the result, checks included', async () => {
    const result = await ask(TOKENS, '--json');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: { type: string }; result?: Message });
    const types = lines.flatMap((l) => (l.event ? [l.event.type] : []));
    expect(types).toContain('message.checks');
    expect(types.lastIndexOf('message.checks')).toBeLessThan(types.indexOf('message.end'));
    const { result: message } = lines.at(-1)!;
    expect(message?.checks).toMatchObject({ final: true, checked: 3, notBacked: 1 });
    expect(message?.checks?.sentences[1]?.note).toBe('1991 is not in source 1');
    expect(message).toHaveProperty('coverage');
  }, 60_000);

  it('says nothing about cited sources when the answer cites none', async () => {
    const result = await ask(['The reservoir is a nice place.']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Sources:');
    expect(result.stdout).not.toContain('(* cited in the answer)');
  }, 60_000);
});

describe('formatAnswer', () => {
  const source = (n: number): Source => ({
    n,
    chunkId: `k${n}`,
    documentId: 'd1',
    title: 'reservoir.md',
    path: '/docs/reservoir.md',
    pageStart: null,
    pageEnd: null,
    charStart: 0,
    charEnd: 10,
    headingPath: [],
    snippet: `passage ${n}`,
    score: 1,
  });
  const message = (extra: Partial<Message>): Message => ({
    id: 'm1',
    conversationId: 'c1',
    role: 'assistant',
    text: '',
    status: 'complete',
    mode: 'answer',
    sources: [source(1), source(2)],
    citations: [],
    finishReason: 'stop',
    error: null,
    provider: null,
    model: null,
    usage: null,
    timings: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  });

  it('prints the closest matches when the library does not cover the question', () => {
    const printed = formatAnswer(
      message({
        mode: 'closest',
        text: "Your documents don't say. These are the closest passages Quire found.",
      }),
      false,
    );
    expect(printed).toBe(
      "Your documents don't say. These are the closest passages Quire found.\n\n" +
        'Closest matches:\n[1] reservoir.md: passage 1\n[2] reservoir.md: passage 2',
    );
  });

  it('explains the star only when a source is cited and the answer did not fail', () => {
    const cited = message({ text: 'It holds water [1].', citations: [1] });
    expect(formatAnswer(cited, false)).toContain('[1]* reservoir.md');
    expect(formatAnswer(cited, false)).toContain('(* cited in the answer)');
    const failed = formatAnswer({ ...cited, status: 'error' }, true);
    expect(failed).not.toContain('*');
    expect(formatAnswer(message({ text: 'It holds water.' }), false)).not.toContain('cited');
  });
});
