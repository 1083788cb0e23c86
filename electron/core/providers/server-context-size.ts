// Asks a local model server how many tokens its context holds, so prompts are budgeted to it.

export type ContextProbe = {
  kind: 'openai' | 'ollama';
  /** The OpenAI-compatible base, e.g. http://127.0.0.1:8080/v1. */
  baseUrl: string;
  model: string;
  apiKey: string | null;
  fetch: typeof fetch;
  timeoutMs?: number;
};

/** Ollama's context when the model sets no num_ctx (its default in current releases). */
const OLLAMA_DEFAULT_NUM_CTX = 4096;

/**
 * The server's context size in tokens, or null when it does not say. llama-server reports it at
 * /props (and, in some versions, in /v1/models meta); Ollama through /api/show.
 */
export async function readServerContextSize(probe: ContextProbe): Promise<number | null> {
  const base = probe.baseUrl.replace(/\/+$/, '');
  const origin = base.replace(/\/v1$/, '');
  if (probe.kind === 'ollama') return ollamaContext(origin, probe);
  // OpenAI's own API has no such endpoint; asking would only cost a round trip.
  if (new URL(base).hostname === 'api.openai.com') return null;
  const props = await getJson(`${origin}/props`, probe);
  const fromProps = positive(
    field(props, ['default_generation_settings', 'n_ctx']) ?? field(props, ['n_ctx']),
  );
  if (fromProps) return fromProps;
  const models = await getJson(`${base}/models`, probe);
  const list = field(models, ['data']);
  if (!Array.isArray(list)) return null;
  const entry = list.find((m) => field(m, ['id']) === probe.model) ?? list[0];
  return positive(field(entry, ['meta', 'n_ctx']));
}

async function ollamaContext(origin: string, probe: ContextProbe): Promise<number | null> {
  const show = await getJson(`${origin}/api/show`, probe, { model: probe.model });
  if (!show) return null;
  const parameters = field(show, ['parameters']);
  const numCtx =
    typeof parameters === 'string' ? /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(parameters)?.[1] : null;
  if (numCtx) return positive(Number(numCtx));
  const info = field(show, ['model_info']);
  const trained =
    info && typeof info === 'object'
      ? Object.entries(info as Record<string, unknown>).find(([k]) =>
          k.endsWith('.context_length'),
        )?.[1]
      : undefined;
  const max = positive(trained);
  return max ? Math.min(max, OLLAMA_DEFAULT_NUM_CTX) : OLLAMA_DEFAULT_NUM_CTX;
}

async function getJson(url: string, probe: ContextProbe, postBody?: unknown): Promise<unknown> {
  try {
    const response = await probe.fetch(url, {
      method: postBody === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json',
        ...(postBody === undefined ? {} : { 'content-type': 'application/json' }),
        ...(probe.apiKey ? { authorization: `Bearer ${probe.apiKey}` } : {}),
      },
      ...(postBody === undefined ? {} : { body: JSON.stringify(postBody) }),
      signal: AbortSignal.timeout(probe.timeoutMs ?? 3000),
    });
    if (!response.ok) return null;
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}

function field(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}
