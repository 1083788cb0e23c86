import { describe, expect, it } from 'vitest';
import {
  connectionError,
  httpError,
  isLoopbackUrl,
  providerLabel,
  redact,
  retryAfterText,
  type ErrorContext,
} from './provider-errors';

const ctx: ErrorContext = {
  label: 'OpenAI',
  origin: 'https://api.openai.com',
  model: 'gpt-4o',
  secret: 'sk-live-abcdefghijklmnop',
};

describe('provider error mapping', () => {
  it('reads Retry-After in seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterText(new Headers({ 'retry-after': '1' }))).toBe('Try again in 1 second.');
    expect(retryAfterText(new Headers({ 'retry-after-ms': '2500' }))).toBe(
      'Try again in 3 seconds.',
    );
    expect(retryAfterText(new Headers({ 'retry-after': '600' }))).toBe(
      'Try again in about 10 minutes.',
    );
    const date = new Date(Date.now() + 3_600_000).toUTCString();
    expect(retryAfterText(new Headers({ 'retry-after': date }))).toMatch(/about (59|60) minutes/);
    expect(retryAfterText(undefined)).toBe('Try again in a moment.');
  });

  it('maps unknown hosts and refused connections with errno codes from the cause chain', () => {
    const notFound = new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.example.com'), {
        code: 'ENOTFOUND',
      }),
    });
    const e = connectionError(notFound, {
      ...ctx,
      label: 'The server at https://api.example.com',
      origin: 'https://api.example.com',
    });
    expect(e).toMatchObject({ code: 'unreachable', retryable: true });
    expect(e.message).toContain('could not find api.example.com');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const local = connectionError(refused, {
      ...ctx,
      label: 'The server at http://127.0.0.1:1234',
      origin: 'http://127.0.0.1:1234',
      loopback: true,
    });
    expect(local.message).toBe(
      'No model server is answering at http://127.0.0.1:1234. Start it, or pick another model in Settings.',
    );
  });

  it('never echoes the key, even when the server quotes it', () => {
    const e = httpError({ status: 400, message: `bad request for key ${ctx.secret}` }, ctx);
    expect(e.message).not.toContain(ctx.secret);
    expect(redact('token sk-proj-12345678abcdef here')).toBe('token [key] here');
  });

  it('labels providers and recognises loopback addresses', () => {
    expect(providerLabel('ollama', 'http://127.0.0.1:11434/v1')).toBe('Ollama');
    expect(providerLabel('openai', 'https://api.openai.com/v1')).toBe('OpenAI');
    expect(providerLabel('openai', 'http://localhost:1234/v1')).toBe(
      'The server at http://localhost:1234',
    );
    expect(providerLabel('anthropic', 'https://api.anthropic.com')).toBe('Anthropic');
    expect(isLoopbackUrl('http://[::1]:8080')).toBe(true);
    expect(isLoopbackUrl('http://127.0.0.2')).toBe(true);
    expect(isLoopbackUrl('https://example.com')).toBe(false);
  });
});
