import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeLlm = {
  /** The OpenAI-compatible base URL, e.g. http://127.0.0.1:1234/v1 */
  baseUrl: string;
  requests: number;
  /** Resolves when a streaming request was aborted by the client (Stop). */
  aborted: Promise<void>;
  close: () => Promise<void>;
};

/** A long, varied Markdown answer with citations: paragraphs, a list, code and a table. */
export function longAnswer(paragraphs = 12): string {
  const parts: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    parts.push(
      `Part ${i + 1}. The paper describes how the system aligns sentences across two columns ` +
        `and scores each candidate with a learned model [1]. It reports results on several ` +
        `test sets and discusses errors in detail [2], with examples [3].`,
    );
    if (i % 4 === 1)
      parts.push('- first point about the method\n- second point [1]\n- third point');
    if (i % 4 === 2)
      parts.push('```python\ndef score(a, b):\n    return sum(x * y for x, y in zip(a, b))\n```');
    if (i % 4 === 3)
      parts.push(
        '| Set | Precision | Recall |\n| --- | --- | --- |\n| dev | 0.81 | 0.77 |\n| test | 0.79 | 0.75 |',
      );
  }
  return parts.join('\n\n');
}

/** Splits text into word-sized tokens, whitespace kept, like a real tokenizer's stream. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/**
 * An OpenAI-compatible chat server on loopback that streams a fixed answer at a fixed
 * rate: a stand-in for a local model server (Ollama), so timing is under the test's control.
 */
export async function startFakeLlm(options: {
  tokensPerSecond: number;
  /** The answer, or one chosen by the request's sampling seed (a regenerated answer has one). */
  answer: string | ((seed: number | undefined) => string);
}): Promise<FakeLlm> {
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake', object: 'model' }] }));
      return;
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    state.requests++;
    const body: Buffer[] = [];
    req.on('data', (part: Buffer) => body.push(part));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      let seed: number | undefined;
      try {
        seed = (JSON.parse(Buffer.concat(body).toString('utf8')) as { seed?: number }).seed;
      } catch {
        seed = undefined;
      }
      const answer = typeof options.answer === 'string' ? options.answer : options.answer(seed);
      const tokens = tokenize(answer);
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        `data: ${JSON.stringify({
          id: 'fake',
          object: 'chat.completion.chunk',
          created: 0,
          model: 'fake',
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      const started = Date.now();
      let sent = 0;
      let closed = false;
      // Sends whatever is due by the clock, so timer jitter does not change the rate.
      const timer = setInterval(() => {
        const due = Math.min(
          tokens.length,
          Math.floor(((Date.now() - started) / 1000) * options.tokensPerSecond),
        );
        let batch = '';
        while (sent < due) batch += chunk({ content: tokens[sent++] });
        if (batch) res.write(batch);
        if (sent >= tokens.length) {
          clearInterval(timer);
          res.write(chunk({}, 'stop'));
          res.write(
            `data: ${JSON.stringify({ id: 'fake', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens.length, total_tokens: 100 + tokens.length } })}\n\n`,
          );
          res.end('data: [DONE]\n\n');
        }
      }, 5);
      res.on('close', () => {
        clearInterval(timer);
        if (!closed && sent < tokens.length) onAbort();
        closed = true;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
