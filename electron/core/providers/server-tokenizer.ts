// Counts tokens with the server's own tokenizer, so prompts are budgeted in the tokens the server
// will count. llama-server documents POST /tokenize {"content"} -> {"tokens": [...]} and POST
// /apply-template {"messages"} -> {"prompt"} (tools/server/README.md). Other servers answer 404
// and get the per-script estimate.
import { createHash } from 'node:crypto';
import type { ChatTurn } from './types';
import { estimateTokens } from './token-estimate';

export type TokenizerOptions = {
  /** The server's root, without /v1. */
  origin: string;
  apiKey: () => Promise<string | null>;
  fetch: typeof fetch;
  timeoutMs?: number;
  /** Counts kept; a chunk is counted once for the life of the provider. */
  cacheSize?: number;
};

type Support = 'unknown' | 'yes' | 'no';

// A failed call that said nothing about support (network, 5xx) is retried after this long,
// so a server that was down is used once it is up, without a failed request per count.
const RETRY_AFTER_MS = 60_000;

export class ServerTokenizer {
  private tokenize: Support = 'unknown';
  private template: Support = 'unknown';
  private quietUntil = 0;
  private readonly cache: Lru;

  constructor(private readonly options: TokenizerOptions) {
    this.cache = new Lru(options.cacheSize ?? 20_000);
  }

  /** The server's count when it has a tokenizer, otherwise the conservative estimate. */
  async count(text: string): Promise<number> {
    if (text.length === 0) return 0;
    return (await this.exact(text)) ?? estimateTokens(text);
  }

  /** The server's own count of `text`, or null when it cannot tell. */
  async exact(text: string, addSpecial = false): Promise<number | null> {
    if (this.tokenize === 'no' || Date.now() < this.quietUntil) return null;
    const key = `${addSpecial ? 1 : 0}${createHash('sha1').update(text).digest('base64')}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const body = await this.post('/tokenize', { content: text, add_special: addSpecial }, (s) => {
      this.tokenize = s;
    });
    const tokens = (body as { tokens?: unknown } | null)?.tokens;
    if (!Array.isArray(tokens)) {
      if (body !== null) this.tokenize = 'no'; // answered, but not llama-server's shape
      return null;
    }
    this.tokenize = 'yes';
    this.cache.set(key, tokens.length);
    return tokens.length;
  }

  /**
   * The whole prompt as the server will evaluate it: its chat template applied, then
   * tokenized. Null when the server cannot do both.
   */
  async prompt(messages: readonly ChatTurn[]): Promise<number | null> {
    if (this.template === 'no' || this.tokenize === 'no') return null;
    const body = await this.post('/apply-template', { messages }, (s) => {
      this.template = s;
    });
    const prompt = (body as { prompt?: unknown } | null)?.prompt;
    if (typeof prompt !== 'string') {
      if (body !== null) this.template = 'no';
      return null;
    }
    this.template = 'yes';
    return this.exact(prompt, true);
  }

  private async post(
    path: string,
    payload: unknown,
    decided: (support: Support) => void,
  ): Promise<unknown> {
    try {
      const apiKey = await this.options.apiKey().catch(() => null);
      const response = await this.options.fetch(`${this.options.origin}${path}`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (response.ok)
        return (await response.json().catch(() => {
          decided('no'); // a 200 that is not JSON: not an endpoint we know
          return null;
        })) as unknown;
      await response.body?.cancel().catch(() => {});
      // 404/405/501: no such endpoint. 400/401/403: not one we can use. Either way, for good.
      if (response.status < 500) decided('no');
      else this.quietUntil = Date.now() + RETRY_AFTER_MS;
      return null;
    } catch {
      this.quietUntil = Date.now() + RETRY_AFTER_MS;
      return null;
    }
  }
}

/** Least recently used counts, by a hash of the text. */
class Lru {
  private readonly map = new Map<string, number>();
  constructor(private readonly max: number) {}
  get(key: string): number | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: number): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
