import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FinishReason, StreamEvent } from '../../../shared/events';
import { ProviderSettingsSchema, type ProviderSettings } from '../../../shared/settings';
import { createQuireCore } from '../quire-core';
import { coreOptionsFrom, createOutput, resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const ASK_HELP = `quire ask "<question>" [--conversation ID] [--collection NAME] [--document ID] [--provider embedded|openai|anthropic|ollama] [--model PATH_OR_NAME] [--base-url URL] [--data DIR] [--model-dir DIR] [--embedding-model ID] [--json]
  Answers from your documents, streaming to stdout. Without --provider, the provider in settings is used;
  with none configured, Quire shows the best passages (search mode). --collection answers from
  that collection only (and keeps the conversation scoped to it). With --document (an id from
  quire library), the answer reads that whole document, section by section when it is long.`;

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

export async function askCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...SHARED_OPTIONS,
      conversation: { type: 'string' },
      collection: { type: 'string' },
      document: { type: 'string' },
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
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    startIndexing: false,
    ...(provider ? { providerOverride: provider } : {}),
    ...(process.env.QUIRE_ANSWER_TOKENS
      ? {
          chat: {
            maxAnswerTokens: Number(process.env.QUIRE_ANSWER_TOKENS),
            checkpointMs: Number(process.env.QUIRE_CHECKPOINT_MS ?? 1000),
          },
        }
      : {}),
  });
  try {
    const ctx = { transport: 'memory' as const, connection: null };
    let scope: { kind: 'collection'; collectionId: string } | undefined;
    try {
      if (values.collection)
        scope = {
          kind: 'collection',
          collectionId: core.collections.resolve(values.collection).id,
        };
    } catch (error) {
      out.error(error instanceof Error ? error.message : String(error));
      return 2;
    }
    if (scope && values.conversation) {
      const scoped = await core.dispatch(
        'conversations.setScope',
        { conversationId: values.conversation, scope },
        ctx,
      );
      if (!scoped.ok) {
        out.error(scoped.error.message, { error: scoped.error });
        return 1;
      }
    }
    const sent = await core.dispatch(
      'chat.send',
      {
        text: question,
        ...(values.conversation ? { conversationId: values.conversation } : {}),
        ...(scope && !values.conversation ? { scope } : {}),
        ...(values.document ? { documentId: values.document } : {}),
      },
      ctx,
    );
    if (!sent.ok) {
      out.error(sent.error.message, { error: sent.error });
      return 1;
    }
    const { stream, conversationId, messageId } = sent.value as {
      stream: string;
      conversationId: string;
      messageId: string;
    };
    const outcome = await new Promise<StreamEvent>((resolve) => {
      const sub = core.hub.subscribe(stream, {
        afterSeq: 0,
        listener: (event) => handle(event),
      });
      const handle = (event: StreamEvent) => {
        if (values.json) out.line('', { event });
        else if (event.type === 'message.delta') process.stdout.write(event.data.text);
        else if (event.type === 'step' && event.data.status === 'running')
          process.stderr.write(`… ${event.data.label}\n`);
        if (event.type === 'message.end' || event.type === 'message.error') {
          sub.unsubscribe();
          resolve(event);
        }
      };
      for (const event of sub.events) handle(event);
    });
    const message = core.conversations.getMessage(messageId);
    if (!values.json) {
      process.stdout.write('\n');
      if (outcome.type === 'message.error')
        out.error(`\n${outcome.data.message} [${outcome.data.code}]`);
      const sources = message?.sources ?? [];
      if (sources.length > 0) out.line(message?.mode === 'search' ? '\nPassages:' : '\nSources:');
      for (const source of sources) {
        const cited = message?.mode === 'answer' && message.citations.includes(source.n);
        const page = source.pageStart ? `, page ${source.pageStart}` : '';
        out.line(`[${source.n}]${cited ? '*' : ''} ${source.title}${page}: ${source.snippet}`);
      }
      if (message?.mode === 'answer' && sources.length > 0) out.line('(* cited in the answer)');
      const finish = message?.finishReason ?? null;
      out.line(`(${FINISH_WORDS[finish ?? 'error']}; conversation ${conversationId})`);
    }
    return outcome.type === 'message.error' ? 1 : 0;
  } finally {
    await core.close();
  }
}
