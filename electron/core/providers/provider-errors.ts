import { QuireError } from '../../../shared/errors';
import { isLoopbackUrl } from '../../../shared/loopback';

/** Who we are talking to, for messages; `secret` is scrubbed from anything we show. */
export type ErrorContext = {
  label: string;
  origin: string;
  model: string;
  ollama?: boolean;
  loopback?: boolean;
  secret?: string | null;
};

export type HttpErrorInfo = {
  status: number | undefined;
  type?: string | undefined;
  code?: string | undefined;
  message?: string | undefined;
  headers?: Headers | undefined;
  /** llama-server's exceed_context_size_error says how large the request and context were. */
  promptTokens?: number | undefined;
  contextTokens?: number | undefined;
};

const CONTEXT_WORDS =
  /context[ _-]?(length|window|size)|maximum context|prompt is too long|too many tokens|exceeds? the (model|context)|reduce the length/i;
const MODEL_WORDS =
  /model.*(not found|does not exist|not exist|unknown|try pulling)|no such model/i;

export { isLoopbackUrl };

export function providerLabel(kind: string, baseUrl: string): string {
  if (kind === 'ollama') return 'Ollama';
  if (kind === 'anthropic' && !isLoopbackUrl(baseUrl)) return 'Anthropic';
  try {
    const url = new URL(baseUrl);
    if (url.hostname === 'api.openai.com') return 'OpenAI';
    return `The server at ${url.origin}`;
  } catch {
    return 'The model server';
  }
}

/** Removes the key (and anything shaped like one) from text we might show or log. */
export function redact(text: string, secret?: string | null): string {
  let out = text;
  if (secret && secret.length >= 4) out = out.split(secret).join('[key]');
  return out.replace(/\b(sk|key|sess)-[A-Za-z0-9_*.-]{6,}/g, '[key]');
}

function tidy(message: string | undefined, ctx: ErrorContext): string {
  if (!message) return '';
  const clean = redact(message, ctx.secret).replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}

/** "Try again in 20 seconds." from Retry-After / retry-after-ms (seconds or an HTTP date). */
export function retryAfterText(headers: Headers | undefined): string {
  const ms = Number(headers?.get('retry-after-ms'));
  let seconds = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : NaN;
  const header = headers?.get('retry-after');
  if (Number.isNaN(seconds) && header) {
    seconds = /^\d+(\.\d+)?$/.test(header.trim())
      ? Math.ceil(Number(header))
      : Math.ceil((Date.parse(header) - Date.now()) / 1000);
  }
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Try again in a moment.';
  if (seconds < 90) return `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  return `Try again in about ${Math.ceil(seconds / 60)} minutes.`;
}

export function contextLengthError(
  ctx: ErrorContext,
  cause?: unknown,
  sizes: { promptTokens?: number; contextTokens?: number } = {},
): QuireError {
  const { promptTokens, contextTokens } = sizes;
  const n = (v: number) => v.toLocaleString('en-US');
  // With both sizes known, the advice is a size that holds this request and its answer.
  if (contextTokens && promptTokens) {
    const fits = contextThatFits(promptTokens);
    return new QuireError(
      'context_length',
      `${ctx.label} holds ${n(contextTokens)} tokens, and this request needed ${n(promptTokens)}. ` +
        `Start the server with a context of at least ${n(fits)} tokens (llama-server --ctx-size ${fits}, Ollama num_ctx), ` +
        `or start a new conversation so that less history is sent.`,
      { cause },
    );
  }
  if (contextTokens)
    return new QuireError(
      'context_length',
      `${ctx.label} holds ${n(contextTokens)} tokens, too few for this request. Start the server with a larger context ` +
        `(llama-server --ctx-size, Ollama num_ctx), or start a new conversation so that less history is sent.`,
      { cause },
    );
  return new QuireError(
    'context_length',
    `The request is too long for ${ctx.model}'s context. Start a new conversation, or set a smaller context size in Settings so fewer passages are sent.`,
    { cause },
  );
}

/**
 * The smallest round context that holds a prompt of `promptTokens` and its answer: Quire keeps
 * a quarter of the context, at most 512 tokens, for the answer, and a small margin.
 */
export function contextThatFits(promptTokens: number): number {
  const needed = promptTokens + 512 + 32;
  const step = needed > 4096 ? 1024 : 256;
  return Math.ceil(needed / step) * step;
}

/** Numbers inside llama-server's "request (3996 tokens) exceeds the available context size (2048 tokens)". */
export function contextSizesFrom(message: string | undefined): {
  promptTokens?: number;
  contextTokens?: number;
} {
  const match =
    /request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/i.exec(
      message ?? '',
    );
  return match ? { promptTokens: Number(match[1]), contextTokens: Number(match[2]) } : {};
}

/** Maps an HTTP error status (or a typed in-stream error event) to a code and plain words. */
export function httpError(info: HttpErrorInfo, ctx: ErrorContext, cause?: unknown): QuireError {
  const { status, type = '', code = '' } = info;
  const text = tidy(info.message, ctx);
  const raw = `${type} ${code} ${info.message ?? ''}`;
  if (status === 401 || type === 'authentication_error' || code === 'invalid_api_key') {
    // The server's own text can quote part of the key, so it is left out on purpose.
    return new QuireError('auth', `${ctx.label} rejected the API key. Check the key in Settings.`, {
      cause,
    });
  }
  if (status === 403 || type === 'permission_error') {
    return new QuireError(
      'auth',
      `${ctx.label} refused access to ${ctx.model}. Check that your key may use this model.`,
      { cause },
    );
  }
  if (status === 529 || type === 'overloaded_error') {
    return new QuireError(
      'rate_limit',
      `${ctx.label} is overloaded right now. ${retryAfterText(info.headers)}`,
      { retryable: true, cause },
    );
  }
  if (status === 429 || type === 'rate_limit_error' || code === 'rate_limit_exceeded') {
    return new QuireError(
      'rate_limit',
      `${ctx.label} is limiting how fast you can send requests. ${retryAfterText(info.headers)}`,
      { retryable: true, cause },
    );
  }
  if (
    code === 'context_length_exceeded' ||
    type === 'exceed_context_size_error' ||
    ((status === 400 || status === 413 || !status) && CONTEXT_WORDS.test(raw))
  ) {
    const parsed = contextSizesFrom(info.message);
    return contextLengthError(ctx, cause, {
      promptTokens: info.promptTokens ?? parsed.promptTokens,
      contextTokens: info.contextTokens ?? parsed.contextTokens,
    });
  }
  if (status === 501 || type === 'not_supported_error') {
    const detail = text ? `: ${text}` : '.';
    return new QuireError(
      'bad_response',
      `${ctx.label} does not support this request (HTTP ${status ?? 501})${detail} Check that it serves a chat model.`,
      { cause },
    );
  }
  const aboutModel =
    code === 'model_not_found' || MODEL_WORDS.test(raw) || /^model\b/i.test(info.message ?? '');
  if (status === 404 && !aboutModel) {
    return new QuireError(
      'bad_response',
      `${ctx.label} has no chat endpoint at this address (HTTP 404). Check the server address in Settings; OpenAI-compatible servers usually end in /v1.`,
      { cause },
    );
  }
  if (status === 404 || aboutModel || type === 'not_found_error') {
    const hint = ctx.ollama
      ? `Run "ollama pull ${ctx.model}", or pick another model in Settings.`
      : 'Check the model name in Settings.';
    return new QuireError(
      'model_unavailable',
      `The model "${ctx.model}" is not available from ${ctx.label.replace(/^The /, 'the ')}. ${hint}`,
      { cause },
    );
  }
  if ((status !== undefined && status >= 500) || type === 'api_error' || type === 'server_error') {
    return new QuireError(
      'unreachable',
      `${ctx.label} had a problem on its side${status ? ` (HTTP ${status})` : ''}. Try again in a moment.`,
      { retryable: true, cause },
    );
  }
  const detail = text ? `: ${text}` : '.';
  return new QuireError(
    'bad_response',
    `${ctx.label} turned the request down${status ? ` (HTTP ${status})` : ''}${detail}`,
    { cause },
  );
}

function errnoCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Network failures before the response started: refused, unknown host, reset. */
export function connectionError(error: unknown, ctx: ErrorContext): QuireError {
  const code = errnoCode(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new QuireError(
      'unreachable',
      `Quire could not find ${new URL(ctx.origin).host}. Check the address in Settings and your internet connection.`,
      { retryable: true, cause: error },
    );
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new QuireError('timeout', `${ctx.label} did not answer in time. Try again.`, {
      retryable: true,
      cause: error,
    });
  }
  const message = ctx.ollama
    ? `Ollama is not running at ${ctx.origin}. Start it, or pick another model in Settings.`
    : ctx.loopback
      ? `No model server is answering at ${ctx.origin}. Start it, or pick another model in Settings.`
      : `Quire could not reach ${ctx.label.replace(/^The /, 'the ')}. Check your internet connection, or pick a local model in Settings.`;
  return new QuireError('unreachable', message, { retryable: true, cause: error });
}

export function droppedError(ctx: ErrorContext, cause?: unknown): QuireError {
  return new QuireError(
    'bad_response',
    `The connection to ${ctx.label.replace(/^The /, 'the ')} dropped before the answer was complete. Try again.`,
    { retryable: true, cause },
  );
}

/** A 200 whose body is a web page: the address points at a website, not a model API. */
export function webPageError(ctx: ErrorContext): QuireError {
  return new QuireError(
    'bad_response',
    `${ctx.label} answered with a web page, not a model API. Check the server address in Settings; OpenAI-compatible servers usually end in /v1.`,
  );
}

export function malformedError(ctx: ErrorContext, cause?: unknown): QuireError {
  return new QuireError(
    'bad_response',
    `${ctx.label} sent a reply Quire could not read. Check that it speaks the expected API.`,
    { cause },
  );
}

export function timeoutError(ctx: ErrorContext, phase: 'connect' | 'idle', ms: number): QuireError {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const span = `${seconds} second${seconds === 1 ? '' : 's'}`;
  const message =
    phase === 'connect'
      ? `${ctx.label} did not start answering within ${span}. Try again.`
      : `${ctx.label} stopped sending the answer for ${span}. Try again.`;
  return new QuireError('timeout', message, { retryable: true });
}
