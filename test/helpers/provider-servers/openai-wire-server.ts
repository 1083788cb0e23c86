// Speaks the OpenAI Chat Completions streaming format, as documented at
// https://platform.openai.com/docs/api-reference/chat-streaming (chunk objects, usage chunk with
// empty `choices` before `data: [DONE]` when stream_options.include_usage is set) and the error
// body shape of https://platform.openai.com/docs/guides/error-codes ({"error": {message, type, code}}).
// Ollama's GET /api/tags (https://github.com/ollama/ollama/blob/main/docs/api.md) is served too.
import {
  sendJson,
  startWireServer,
  streamTokens,
  type Route,
  type RouteContext,
  type WireServer,
} from './wire-server-base';

export type { WireBehaviour, WireServer, RecordedRequest } from './wire-server-base';

type ChatBody = {
  model?: string;
  messages?: Array<{ role?: string; content?: string }>;
  stream_options?: { include_usage?: boolean };
};

export const OPENAI_TEST_MODELS = ['tiny-model', 'llama3.2:latest'];

/**
 * A dense tokenizer, as small vocabularies have (stories260K: about 1.5 characters a token):
 * one token per `charsPerToken` characters, whatever the script.
 */
export function denseTokenCount(text: string, charsPerToken: number): number {
  return Math.ceil([...text].length / charsPerToken);
}

/** ChatML, the template llama-server falls back to for a model without one, as plain text. */
export function chatMlPrompt(messages: ReadonlyArray<{ role?: string; content?: string }>): string {
  return (
    messages
      .map((m) => `<|im_start|>${m.role ?? 'user'}\n${m.content ?? ''}<|im_end|>\n`)
      .join('') + '<|im_start|>assistant\n'
  );
}

/** The prompt's tokens as llama-server counts them: template applied, plus BOS. */
export function llamaPromptTokens(
  messages: ReadonlyArray<{ role?: string; content?: string }>,
  charsPerToken: number,
): number {
  return denseTokenCount(chatMlPrompt(messages), charsPerToken) + 1;
}

const chatCompletions = (llama: LlamaServerFlavour | undefined) => (ctx: RouteContext) => {
  const b = ctx.behaviour;
  if (b.type === 'http-error') return sendJson(ctx.res, b.status, b.body, b.headers);
  const asked = (ctx.record.body ?? {}) as ChatBody;
  if (llama?.charsPerToken) {
    // tools/server/server-context.cpp: a prompt of n_ctx tokens or more is refused, with both sizes.
    const n = llamaPromptTokens(asked.messages ?? [], llama.charsPerToken);
    if (n >= llama.nCtx) return sendJson(ctx.res, 400, llamaExceedContext(n, llama.nCtx));
  }
  if (b.type === 'hang-before-headers') return;
  if (b.type === 'web-page') {
    ctx.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void ctx.res.end('<!doctype html><html><body><h1>Welcome</h1></body></html>');
  }
  const body = asked;
  const includeUsage = body.stream_options?.include_usage === true;
  const model = body.model ?? 'unknown';
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: null,
      choices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    })}\n\n`;
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  ctx.write(
    chunk([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
    ]),
  );
  return (async () => {
    const complete = await streamTokens(
      ctx,
      (token) =>
        chunk([{ index: 0, delta: { content: token }, logprobs: null, finish_reason: null }]),
      {
        error: (error) => `data: ${JSON.stringify({ error })}\n\n`,
        malformed: 'data: {"id":"chatcmpl-test","choices":[{"delta":\n\n',
      },
    );
    if (!complete || b.type !== 'stream') return;
    ctx.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: b.finish ?? 'stop' }]));
    if (includeUsage) {
      const promptTokens = (body.messages ?? []).reduce(
        (n, m) => n + String(m.content ?? '').split(/\s+/).length,
        0,
      );
      ctx.write(
        chunk([], {
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: b.tokens.length,
            total_tokens: promptTokens + b.tokens.length,
          },
        }),
      );
    }
    ctx.write('data: [DONE]\n\n');
    ctx.res.end();
  })();
};

/** llama-server's body for a prompt over its context (server-task.cpp, server_task_result_error). */
export function llamaExceedContext(promptTokens: number, nCtx: number) {
  return {
    error: {
      code: 400,
      message: `request (${promptTokens} tokens) exceeds the available context size (${nCtx} tokens), try increasing it`,
      type: 'exceed_context_size_error',
      n_prompt_tokens: promptTokens,
      n_ctx: nCtx,
    },
  };
}

/**
 * What the server says about its context, besides the chat endpoint. llama-server documents
 * GET /props (default_generation_settings.n_ctx) and /v1/models entries with `meta`
 * (https://github.com/ggml-org/llama.cpp/tree/master/tools/server); Ollama documents
 * POST /api/show with `parameters` (num_ctx) and `model_info` (<arch>.context_length).
 */
export type LlamaServerFlavour = {
  nCtx: number;
  nCtxTrain?: number;
  /**
   * The model's tokenizer density. With it the server counts each prompt as llama-server does
   * (template applied) and refuses one that does not fit with its 400 exceed_context_size_error.
   */
  charsPerToken?: number;
  /** Serves POST /tokenize and POST /apply-template with that tokenizer (default: when it has one). */
  tokenize?: boolean;
};

export type ServerFlavour = {
  llamaServer?: LlamaServerFlavour;
  ollama?: { numCtx?: number; contextLength: number };
};

export function startOpenAiWireServer(flavour: ServerFlavour = {}): Promise<WireServer> {
  const llama = flavour.llamaServer;
  const ollama = flavour.ollama;
  return startWireServer({
    ...(llama
      ? {
          'GET /props': ({ res }) =>
            sendJson(res, 200, {
              default_generation_settings: { n_ctx: llama.nCtx, params: { n_predict: -1 } },
              total_slots: 1,
              model_path: '/models/tiny-model.gguf',
              chat_template: '{{ messages }}',
            }),
        }
      : {}),
    ...(llama?.charsPerToken && llama.tokenize !== false
      ? tokenizerRoutes(llama.charsPerToken)
      : {}),
    ...(ollama
      ? {
          'POST /api/show': ({ res }) =>
            sendJson(res, 200, {
              modelfile: '# Modelfile',
              parameters: ollama.numCtx
                ? `num_ctx                        ${ollama.numCtx}\nstop                           "<|eot_id|>"`
                : 'stop                           "<|eot_id|>"',
              template: '{{ .Prompt }}',
              details: { format: 'gguf', family: 'llama', parameter_size: '3.2B' },
              model_info: {
                'general.architecture': 'llama',
                'llama.context_length': ollama.contextLength,
              },
            }),
        }
      : {}),
    'POST /v1/chat/completions': chatCompletions(llama),
    'GET /v1/models': ({ res }) =>
      sendJson(res, 200, {
        object: 'list',
        data: OPENAI_TEST_MODELS.map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: llama ? 'llamacpp' : 'test',
          ...(llama
            ? { meta: { vocab_type: 2, n_vocab: 32000, n_ctx_train: llama.nCtxTrain ?? 131072 } }
            : {}),
        })),
      }),
    'GET /api/tags': ({ res }) =>
      sendJson(res, 200, {
        models: OPENAI_TEST_MODELS.map((name) => ({ name, model: name, size: 1, digest: 'x' })),
      }),
  });
}

/**
 * llama-server's POST /tokenize {"content", "add_special"} -> {"tokens": [ids]} and POST
 * /apply-template {"messages"} -> {"prompt"} (tools/server/README.md).
 */
function tokenizerRoutes(charsPerToken: number): Record<string, Route> {
  return {
    'POST /tokenize': ({ res, record }) => {
      const body = (record.body ?? {}) as { content?: unknown; add_special?: unknown };
      if (typeof body.content !== 'string')
        return sendJson(res, 400, {
          error: {
            code: 400,
            message: '"content" must be provided',
            type: 'invalid_request_error',
          },
        });
      const n = denseTokenCount(body.content, charsPerToken) + (body.add_special === true ? 1 : 0);
      sendJson(res, 200, { tokens: Array.from({ length: n }, (_, i) => 100 + (i % 400)) });
    },
    'POST /apply-template': ({ res, record }) => {
      const body = (record.body ?? {}) as ChatBody;
      sendJson(res, 200, { prompt: chatMlPrompt(body.messages ?? []) });
    },
  };
}

/** Documented error bodies, for scripted HTTP errors. */
export const openAiErrors = {
  invalidKey: (echo: string) => ({
    status: 401,
    body: {
      error: {
        message: `Incorrect API key provided: ${echo}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
  }),
  rateLimited: {
    status: 429,
    headers: { 'retry-after': '20' },
    body: {
      error: {
        message: 'Rate limit reached for requests',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
  },
  contextLength: {
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  },
  /** llama-server when the prompt does not fit its context (tools/server, error type). */
  llamaContextExceeded: { status: 400, body: llamaExceedContext(3996, 2048) },
  /** llama-server for a feature it was not started with. */
  llamaNotSupported: {
    status: 501,
    body: {
      error: {
        code: 501,
        message: 'This server does not support chat completions. Start it without `--embeddings`',
        type: 'not_supported_error',
      },
    },
  },
  /** llama-server for a path it does not serve. */
  llamaNotFound: {
    status: 404,
    body: { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } },
  },
  modelNotFound: {
    status: 404,
    body: {
      error: {
        message: 'model "nope" not found, try pulling it first',
        type: 'api_error',
        param: null,
        code: null,
      },
    },
  },
};
