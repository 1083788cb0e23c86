// Speaks the Anthropic Messages streaming format, as documented at
// https://platform.claude.com/docs/en/build-with-claude/streaming (message_start,
// content_block_start / _delta (text_delta) / _stop, message_delta with stop_reason and
// usage.output_tokens, message_stop, ping, and `event: error` mid-stream) and the error bodies of
// https://platform.claude.com/docs/en/api/errors ({"type":"error","error":{type,message},"request_id"}).
import {
  sendJson,
  startWireServer,
  streamTokens,
  type RouteContext,
  type WireServer,
} from './wire-server-base';

export type { WireBehaviour, WireServer, RecordedRequest } from './wire-server-base';

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

type MessagesBody = { model?: string; messages?: unknown[]; system?: unknown };

function messages(ctx: RouteContext) {
  const b = ctx.behaviour;
  if (b.type === 'http-error') return sendJson(ctx.res, b.status, b.body, b.headers);
  if (b.type === 'hang-before-headers') return;
  const body = (ctx.record.body ?? {}) as MessagesBody;
  const inputTokens = JSON.stringify(body.messages ?? []).length + String(body.system ?? '').length;
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': 'req_test',
  });
  ctx.write(
    sse('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        content: [],
        model: body.model ?? 'unknown',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: 1 },
      },
    }),
  );
  ctx.write(
    sse('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
  );
  ctx.write(sse('ping', { type: 'ping' }));
  return (async () => {
    const complete = await streamTokens(
      ctx,
      (text) =>
        sse('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        }),
      {
        error: (error) => sse('error', { type: 'error', error }),
        malformed: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\n\n',
      },
    );
    if (!complete || b.type !== 'stream') return;
    ctx.write(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
    ctx.write(
      sse('message_delta', {
        type: 'message_delta',
        delta: {
          stop_reason: b.finish === 'length' ? 'max_tokens' : 'end_turn',
          stop_sequence: null,
        },
        usage: { output_tokens: b.tokens.length },
      }),
    );
    ctx.write(sse('message_stop', { type: 'message_stop' }));
    ctx.res.end();
  })();
}

export function startAnthropicWireServer(): Promise<WireServer> {
  return startWireServer({
    'POST /v1/messages': messages,
    'GET /v1/models': ({ res }) =>
      sendJson(res, 200, {
        data: [
          {
            type: 'model',
            id: 'claude-test-1',
            display_name: 'Claude Test',
            created_at: '2025-01-01T00:00:00Z',
          },
        ],
        has_more: false,
        first_id: 'claude-test-1',
        last_id: 'claude-test-1',
      }),
  });
}

const errorBody = (type: string, message: string) => ({
  type: 'error',
  error: { type, message },
  request_id: 'req_test',
});

/** Documented HTTP error responses and in-stream error payloads. */
export const anthropicErrors = {
  authentication: { status: 401, body: errorBody('authentication_error', 'invalid x-api-key') },
  rateLimited: {
    status: 429,
    headers: { 'retry-after': '30' },
    body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your rate limit.'),
  },
  overloaded: { status: 529, body: errorBody('overloaded_error', 'Overloaded') },
  promptTooLong: {
    status: 400,
    body: errorBody('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'),
  },
  streamOverloaded: { type: 'overloaded_error', message: 'Overloaded' },
};
