import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChatHistoryItem, ChatWrapper, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { QuireError } from '../../../shared/errors';
import type { PromptParts } from './embedded-budget';
import { SessionPool } from './embedded-sessions';
import { loadLlamaRuntime, type LlamaModule } from './llama-runtime';
import type { ChatTurn } from './types';
import { EMBEDDED_DEFAULT_CONTEXT } from '../../../shared/settings';

export type EmbeddedModelOptions = {
  modelPath: string;
  contextSize?: number;
  threads?: number;
  /** Conversations whose KV cache stays warm (one context sequence each). */
  sequences?: number;
};

export type LoadedModel = {
  mod: LlamaModule;
  model: LlamaModel;
  context: LlamaContext;
  wrapper: ChatWrapper;
  pool: SessionPool;
  threads: number;
};

// Room for a full new turn (at most 1,536 prompt tokens, see the chat budget) plus the last
// exchange, which the session keeps cached: history costs memory here, not prompt time.
const DEFAULT_CONTEXT = EMBEDDED_DEFAULT_CONTEXT;
const DEFAULT_SEQUENCES = 3;

/**
 * One core is left for the UI and indexing: llama.cpp's threads spin-wait at each barrier, and
 * oversubscribed they collapse (measured here on 2 loaded cores: 2 threads ~5 tok/s, 1 thread
 * ~400 tok/s for stories260K).
 */
export function defaultThreads(cpuMathCores: number): number {
  return Math.max(1, Math.min(cpuMathCores, os.availableParallelism() - 1));
}

export function modelName(modelPath: string): string {
  return path.basename(modelPath).replace(/\.gguf$/i, '');
}

/** A GGUF with a chat template gets its own format; a plain model gets a neutral one. */
function pickChatWrapper(mod: LlamaModule, model: LlamaModel): ChatWrapper {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template === 'string' && template.trim() !== '') {
    return mod.resolveChatWrapper(model) ?? new mod.GeneralChatWrapper();
  }
  return new mod.GeneralChatWrapper();
}

/** Loads the GGUF and one context with a sequence per warm conversation; QuireError on failure. */
export async function loadEmbeddedModel(options: EmbeddedModelOptions): Promise<LoadedModel> {
  const { modelPath } = options;
  const stat = await fs.stat(modelPath).catch(() => null);
  if (!stat?.isFile()) {
    throw new QuireError(
      'model_unavailable',
      `The model file was not found: ${modelPath}. Pick another model file in Settings.`,
    );
  }
  const { mod, llama } = await loadLlamaRuntime();
  const model = await llama.loadModel({ modelPath }).catch((error: unknown) => {
    throw new QuireError(
      'model_unavailable',
      `Quire could not load the model file ${modelPath}: it is damaged, or not a GGUF model this version supports.`,
      { cause: error },
    );
  });
  const train = model.trainContextSize > 0 ? model.trainContextSize : DEFAULT_CONTEXT;
  const contextSize = Math.min(options.contextSize ?? DEFAULT_CONTEXT, train);
  const sequences = Math.max(1, options.sequences ?? DEFAULT_SEQUENCES);
  const threads = options.threads ?? defaultThreads(llama.cpuMathCores);
  const context = await model
    .createContext({ contextSize, sequences, threads })
    .catch(async (error: unknown) => {
      await model.dispose();
      throw new QuireError(
        'model_unavailable',
        `There is not enough memory to run ${modelName(modelPath)} with a context of ${contextSize} tokens. Lower the context size in Settings.`,
        { cause: error },
      );
    });
  const wrapper = pickChatWrapper(mod, model);
  const pool = new SessionPool(mod, context, wrapper, sequences);
  return { mod, model, context, wrapper, pool, threads };
}

export function toHistory(system: string, turns: ChatTurn[]): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = system ? [{ type: 'system', text: system }] : [];
  for (const turn of turns) {
    if (turn.role === 'user') items.push({ type: 'user', text: turn.content });
    else if (turn.role === 'assistant') items.push({ type: 'model', response: [turn.content] });
  }
  return items;
}

/** Exact prompt size as the chat wrapper renders it, including the open model turn. */
export function countPromptTokens(l: LoadedModel, parts: PromptParts): number {
  const chatHistory = toHistory(parts.system, parts.history);
  chatHistory.push({ type: 'user', text: parts.user }, { type: 'model', response: [] });
  const state = l.wrapper.generateContextState({ chatHistory });
  return state.contextText.tokenize(l.model.tokenizer).length;
}

export function describeLoaded(name: string, l: LoadedModel): string {
  const params = l.model.fileInsights.totalParameters ?? 0;
  const size =
    params >= 1e9
      ? `${(params / 1e9).toFixed(1)}B`
      : params >= 1e6
        ? `${Math.round(params / 1e6)}M`
        : `${Math.round(params / 1e3)}K`;
  const threads = `${l.threads} CPU thread${l.threads === 1 ? '' : 's'}`;
  return `Loaded ${name} (${size} parameters, ${l.context.contextSize}-token context, ${threads}).`;
}

/** Maps what node-llama-cpp throws mid-generation to a user-facing error. */
export function llamaFailure(error: unknown, contextSize: number): QuireError {
  if (error instanceof QuireError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/compress chat history|context shift|context size|too long/i.test(message)) {
    return contextLengthError(contextSize, error);
  }
  if (/disposed/i.test(message)) {
    return new QuireError('cancelled', 'The model was unloaded while it was answering.', {
      cause: error,
    });
  }
  return new QuireError('bad_response', 'The built-in model stopped with an error. Try again.', {
    retryable: true,
    cause: error,
  });
}

export function contextLengthError(contextSize: number, cause?: unknown): QuireError {
  return new QuireError(
    'context_length',
    `The conversation is too long for this model's context (${contextSize} tokens). Start a new conversation, or raise the context size in Settings.`,
    { cause },
  );
}
