import type OpenAI from 'openai';
import { QuireError } from '../../../shared/errors';
import type { ProviderTestResult } from './types';

type ListOptions = {
  kind: 'openai' | 'ollama';
  baseUrl: string;
  model: string;
  label: string;
  timeoutMs: number;
  client: OpenAI;
  fetch: typeof fetch;
};

function sameModel(listed: string, wanted: string): boolean {
  const bare = (name: string) => name.replace(/:latest$/, '');
  return bare(listed) === bare(wanted);
}

/** Ollama's native listing (GET /api/tags); null when the server is not Ollama after all. */
async function ollamaTags(options: ListOptions): Promise<string[] | null> {
  const root = options.baseUrl.replace(/\/v1$/, '');
  let response: Response;
  try {
    response = await options.fetch(`${root}/api/tags`, {
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new QuireError('timeout', `${options.label} did not answer in time. Try again.`, {
        retryable: true,
        cause: error,
      });
    }
    throw error;
  }
  if (!response.ok) return null;
  const body = (await response.json().catch(() => null)) as {
    models?: Array<{ name?: string; model?: string }>;
  } | null;
  if (!body || !Array.isArray(body.models)) return null;
  return body.models.map((m) => m.name ?? m.model ?? '').filter(Boolean);
}

async function openAiModels(options: ListOptions): Promise<string[]> {
  const page = await options.client.models.list({ signal: AbortSignal.timeout(options.timeoutMs) });
  return page.data.map((m) => m.id);
}

/** Settings' "Test connection": proves the server answers and says whether the model is there. */
export async function listModelsForTest(options: ListOptions): Promise<ProviderTestResult> {
  const tags = options.kind === 'ollama' ? await ollamaTags(options) : null;
  const models = tags ?? (await openAiModels(options));
  const found = models.some((name) => sameModel(name, options.model));
  const count = `${models.length} model${models.length === 1 ? '' : 's'}`;
  if (found) {
    return {
      ok: true,
      detail: `${options.label} is answering (${count}); "${options.model}" is ready.`,
    };
  }
  if (options.kind === 'ollama') {
    return {
      ok: false,
      code: 'model_unavailable',
      message: `Ollama is running, but "${options.model}" is not downloaded. Run "ollama pull ${options.model}", or pick another model in Settings.`,
    };
  }
  if (new URL(options.baseUrl).hostname === 'api.openai.com') {
    return {
      ok: false,
      code: 'model_unavailable',
      message: `OpenAI does not offer "${options.model}" to this key. Check the model name in Settings.`,
    };
  }
  // Many compatible servers answer for any name (llama-server) or list only some (routers).
  return {
    ok: true,
    detail: `${options.label} is answering (${count}); it does not list "${options.model}", but may still serve it.`,
  };
}
