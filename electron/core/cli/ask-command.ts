import path from 'node:path';
import { parseArgs } from 'node:util';
import { checksSummary } from '../../../shared/answer-checks';
import type { MethodArgs, MethodName, MethodResult } from '../../../shared/contract';
import type { Message } from '../../../shared/contract/chat';
import type { FinishReason, StreamEvent } from '../../../shared/events';
import type { Result } from '../../../shared/result';
import { ProviderSettingsSchema, type ProviderSettings } from '../../../shared/settings';
import { markSentences, notBackedSentences } from '../chat/conversation-export';
import { createQuireCore, type QuireCore } from '../quire-core';
import {
  coreOptionsFrom,
  createOutput,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';
import { openOrJoin, resolveCollection, type RunningQuire } from './running-quire';

export const ASK_HELP = `quire ask "<question>" [--conversation ID] [--collection NAME] [--document ID] [--answer-anyway] [--provider embedded|openai|anthropic|ollama] [--model PATH_OR_NAME] [--base-url URL] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--embedding-dtype auto|fp32|q8] [--json]
  Answers from your documents. Without --provider, the provider in settings is used;
  with none configured, Quire shows the best passages (search mode). --collection answers from
  that collection only (and keeps the conversation scoped to it). With --document (an id from
  quire library), the answer reads that whole document, section by section when it is long.
  Each sentence is checked against the sources it cites, so the answer is printed once written:
  a sentence they do not back is marked ⚠1, ⚠2… and each mark explained under the answer. When
  the library does not cover the question, the closest passages are shown instead of an answer
  (--answer-anyway writes one from them all the same).
  --json streams every event (message.delta, message.checks…) as a line, then {"result": message}
  with its text, sources, citations, checks and coverage. Beside the app or quire serve, the
  question goes to it, and its provider answers (so no --provider there).`;

function providerFromFlags(values: {
  provider?: string;
  model?: string;
  'base-url'?: string;
}): ProviderSettings | null {
  if (!values.provider) return null;
  const kind = values.provider;
  // An empty --model would resolve to the current folder and be reported as the missing model.
  if (!values.model) throw new Error('missing --model');
  const raw =
    kind === 'embedded'
      ? { kind, modelPath: path.resolve(values.model ?? '') }
      : {
          kind,
          model: values.model ?? '',
          ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
        };
  return ProviderSettingsSchema.parse(raw);
}

const FINISH_WORDS: Record<FinishReason, string> = {
  stop: 'complete',
  interrupted: 'interrupted',
  length: 'cut short at the answer length limit',
  cancelled: 'stopped',
  error: 'ended with an error',
};

/**
 * The answer as printed: its text with a mark after each sentence its sources do not back,
 * the marks explained, then the sources (or the passages shown instead of an answer).
 */
export function formatAnswer(message: Message, failed: boolean): string {
  const lines: string[] = [];
  const passagesOnly = message.mode === 'search' || message.mode === 'closest';
  const flagged = passagesOnly ? [] : notBackedSentences(message.checks);
  const text = markSentences(message.text, flagged, (i) => `⚠${i + 1}`).trim();
  if (text) lines.push(text);
  const summary = message.checks && !passagesOnly ? checksSummary(message.checks) : null;
  const explained = [
    ...(summary ? [summary] : []),
    ...flagged.map((s, i) => `⚠${i + 1} ${s.verdict}${s.note ? `: ${s.note}` : ''}`),
    ...(message.checks?.note && !passagesOnly ? [message.checks.note] : []),
  ];
  if (explained.length) lines.push('', ...explained);
  const sources = message.sources;
  if (sources.length > 0)
    lines.push(
      '',
      message.mode === 'closest'
        ? 'Closest matches:'
        : message.mode === 'search'
          ? 'Passages:'
          : 'Sources:',
    );
  const cites = message.mode === 'answer' && !failed && message.status !== 'error';
  for (const source of sources) {
    const cited = cites && message.citations.includes(source.n);
    const page = source.pageStart ? `, page ${source.pageStart}` : '';
    lines.push(`[${source.n}]${cited ? '*' : ''} ${source.title}${page}: ${source.snippet}`);
  }
  // The star is explained only where one was printed.
  if (cites && sources.some((s) => message.citations.includes(s.n)))
    lines.push('(* cited in the answer)');
  return lines.join('\n');
}

export async function askCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      conversation: { type: 'string' },
      collection: { type: 'string' },
      document: { type: 'string' },
      'answer-anyway': { type: 'boolean' },
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const question = positionals.join(' ').trim();
  if (!question) {
    out.error(
      'Ask a question, e.g. npm run quire -- ask "What does the contract say about termination?"',
    );
    return 2;
  }
  let provider: ProviderSettings | null;
  try {
    provider = providerFromFlags(values);
  } catch {
    out.error(
      '--provider is embedded, ollama, openai or anthropic; embedded needs --model <file.gguf>, the others --model <name>.',
    );
    return 2;
  }
  const request: AskRequest = {
    question,
    conversation: values.conversation,
    collection: values.collection,
    document: values.document,
    answerAnyway: values['answer-anyway'] ?? false,
  };
  const dataDir = resolveDataDir(values.data);
  const opened = await openOrJoin(
    dataDir,
    () =>
      createQuireCore(
        {
          ...coreOptionsFrom(values),
          dataDir,
          startIndexing: false,
          ...(provider ? { providerOverride: provider } : {}),
        },
        process.env.QUIRE_ANSWER_TOKENS
          ? {
              chat: {
                maxAnswerTokens: Number(process.env.QUIRE_ANSWER_TOKENS),
                checkpointMs: Number(process.env.QUIRE_CHECKPOINT_MS ?? 1000),
              },
            }
          : {},
      ),
    values.library,
  );
  if (opened.running) {
    // The running Quire answers with its own provider: a flag cannot change it from here.
    if (provider) {
      out.error(
        'Quire is running on this data folder, so it answers with the provider set in its Settings; ' +
          'ask again without --provider, or close it first.',
      );
      return 2;
    }
    return ask(remoteAsker(opened.running), request, out);
  }
  const core = opened.core;
  try {
    return await ask(localAsker(core), request, out);
  } finally {
    await core.close();
  }
}

type AskRequest = {
  question: string;
  conversation: string | undefined;
  collection: string | undefined;
  document: string | undefined;
  answerAnyway: boolean;
};

/** What asking needs, in this process (the core) or from the Quire serving the folder. */
type Asker = {
  invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>>;
  collectionId(idOrName: string): Promise<string>;
  /** The stream's events from its first; the last event, or null if the stream was lost first. */
  untilEnd(stream: string, onEvent: (event: StreamEvent) => void): Promise<StreamEvent | null>;
  message(conversationId: string, messageId: string): Promise<Message | null>;
  /** Ctrl+C while an answer is being written. */
  onInterrupt(messageId: string): () => void;
};

const isEnd = (event: StreamEvent) =>
  event.type === 'message.end' || event.type === 'message.error';

function localAsker(core: QuireCore): Asker {
  const ctx = { transport: 'memory' as const, connection: null };
  return {
    invoke: (method, args) =>
      core.dispatch(method, args, ctx) as Promise<Result<MethodResult<typeof method>>>,
    collectionId: async (idOrName) => core.collections.resolve(idOrName).id,
    untilEnd: (stream, onEvent) =>
      new Promise<StreamEvent>((resolve) => {
        const sub = core.hub.subscribe(stream, { afterSeq: 0, listener: (event) => handle(event) });
        const handle = (event: StreamEvent) => {
          onEvent(event);
          if (isEnd(event)) {
            sub.unsubscribe();
            resolve(event);
          }
        };
        for (const event of sub.events) handle(event);
      }),
    message: async (_conversationId, messageId) => core.conversations.getMessage(messageId) ?? null,
    // As before: Ctrl+C ends the process, and the next start marks the answer interrupted.
    onInterrupt: () => () => {},
  };
}

function remoteAsker(running: RunningQuire): Asker {
  return {
    invoke: (method, args) => running.invoke(method, args),
    collectionId: async (idOrName) => (await resolveCollection(running, idOrName)).id,
    untilEnd: (stream, onEvent) =>
      new Promise<StreamEvent | null>((resolve) => {
        // From seq 0: the server replays what was sent before this connection was made.
        const following = running.follow(
          stream,
          (event) => {
            onEvent(event);
            if (isEnd(event)) {
              following.stop();
              resolve(event);
            }
          },
          0,
        );
        void following.ended.then(() => resolve(null));
      }),
    async message(conversationId, messageId) {
      const got = await running.invoke('conversations.get', { conversationId });
      return got.ok ? (got.value.messages.find((m) => m.id === messageId) ?? null) : null;
    },
    onInterrupt(messageId) {
      // The answer is being written by the other Quire: stop it there, and print what was kept.
      const stop = () => void running.invoke('chat.stop', { messageId });
      process.once('SIGINT', stop);
      return () => process.off('SIGINT', stop);
    },
  };
}

/** Asks, follows the answer as it is written, and prints it once checked. */
async function ask(quire: Asker, request: AskRequest, out: CliOutput): Promise<number> {
  let scope: { kind: 'collection'; collectionId: string } | undefined;
  try {
    if (request.collection)
      scope = { kind: 'collection', collectionId: await quire.collectionId(request.collection) };
  } catch (error) {
    out.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (scope && request.conversation) {
    const scoped = await quire.invoke('conversations.setScope', {
      conversationId: request.conversation,
      scope,
    });
    if (!scoped.ok) {
      out.error(scoped.error.message, { error: scoped.error });
      return 1;
    }
  }
  const sent = await quire.invoke('chat.send', {
    text: request.question,
    ...(request.conversation ? { conversationId: request.conversation } : {}),
    ...(scope && !request.conversation ? { scope } : {}),
    ...(request.document ? { documentId: request.document } : {}),
    ...(request.answerAnyway ? { answerAnyway: true } : {}),
  });
  if (!sent.ok) {
    out.error(sent.error.message, { error: sent.error });
    return 1;
  }
  const { stream, conversationId, messageId } = sent.value;
  const stopInterrupting = quire.onInterrupt(messageId);
  // Every event kind passes through in --json (message.checks included); in text, the
  // answer waits for its final checks, since a mark belongs right after its sentence.
  const outcome = await quire
    .untilEnd(stream, (event) => {
      if (out.json) out.line('', { event });
      else if (event.type === 'step' && event.data.status === 'running')
        process.stderr.write(`… ${event.data.label}\n`);
    })
    .finally(stopInterrupting);
  if (!outcome) {
    out.error(
      `The Quire serving this data folder went away before the answer was finished (conversation ${conversationId}).`,
    );
    return 1;
  }
  const message = await quire.message(conversationId, messageId);
  const failed = outcome.type === 'message.error';
  if (out.json) {
    // The saved answer, whole: what a script needs without replaying the events.
    out.line('', {
      result: message
        ? { ...message, checks: message.checks ?? null, coverage: message.coverage ?? null }
        : null,
    });
  } else {
    const printed = message ? formatAnswer(message, failed) : '';
    if (printed) out.line(printed);
    if (outcome.type === 'message.error')
      out.error(`\n${outcome.data.message} [${outcome.data.code}]`);
    const finish = message?.finishReason ?? null;
    out.line(`(${FINISH_WORDS[finish ?? 'error']}; conversation ${conversationId})`);
  }
  return failed ? 1 : 0;
}
