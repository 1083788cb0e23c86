import type { MethodArgs, MethodName, MethodResult } from '../../../shared/contract';
import type { Message, SendResult } from '../../../shared/contract/chat';
import type { ErrorCode, QuireErrorShape } from '../../../shared/errors';
import type { Conversation } from './event-types';
import type { Result } from '../../../shared/result';
import type { ProviderSettings, Settings } from '../../../shared/settings';
import type { Transport } from '../../../shared/transport';

export type SecretBackend = 'keychain' | 'safeStorage' | 'session';
export type KeyProvider = 'openai' | 'anthropic';
export type SettingsInfo = {
  settings: Settings;
  keys: Record<KeyProvider, boolean>;
  secretBackend: SecretBackend;
  offline: boolean;
};
export type ConversationDetail = { conversation: Conversation; messages: Message[] };

/**
 * Methods whose contract is being written (chat, conversations, settings). Until the core
 * registers them they answer `unknown_method`, which every caller handles.
 */
type PendingMethods = {
  'chat.send': [{ conversationId?: string; text: string }, SendResult];
  'chat.stop': [{ messageId: string }, { stopped: boolean }];
  'chat.regenerate': [{ messageId: string }, SendResult];
  'conversations.list': [Record<string, never>, Conversation[]];
  'conversations.get': [{ conversationId: string }, ConversationDetail];
  'conversations.rename': [{ conversationId: string; title: string }, Conversation];
  'conversations.delete': [{ conversationId: string }, { deleted: boolean }];
  'settings.get': [Record<string, never>, SettingsInfo];
  'settings.update': [{ settings: Settings }, unknown];
  'settings.setApiKey': [{ provider: KeyProvider; key: string }, unknown];
  'settings.clearApiKey': [{ provider: KeyProvider }, unknown];
  'providers.test': [
    { provider: ProviderSettings },
    { ok: true; detail: string } | { ok: false; code: ErrorCode; message: string },
  ];
};

export type AnyMethod = MethodName | keyof PendingMethods;
export type ArgsOf<M extends AnyMethod> = M extends MethodName
  ? MethodArgs<M>
  : M extends keyof PendingMethods
    ? PendingMethods[M][0]
    : never;
export type ResultOf<M extends AnyMethod> = M extends MethodName
  ? MethodResult<M>
  : M extends keyof PendingMethods
    ? PendingMethods[M][1]
    : never;

type LooseInvoke = (method: string, args: unknown) => Promise<Result<unknown>>;

/** Calls any method, including those the shared contract does not list yet. */
export function call<M extends AnyMethod>(
  transport: Transport,
  method: M,
  args: ArgsOf<M>,
): Promise<Result<ResultOf<M>>> {
  const invoke = transport.invoke.bind(transport) as unknown as LooseInvoke;
  return invoke(method, args) as Promise<Result<ResultOf<M>>>;
}

/** An error result as a throwable, so react-query sees the code and the retry flag. */
export class CallError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(shape: QuireErrorShape) {
    super(shape.message);
    this.name = 'CallError';
    this.code = shape.code;
    this.retryable = shape.retryable ?? false;
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CallError(result.error);
  return result.value;
}

/** Calls and throws on error: the shape react-query's queryFn and mutationFn expect. */
export async function request<M extends AnyMethod>(
  transport: Transport,
  method: M,
  args: ArgsOf<M>,
): Promise<ResultOf<M>> {
  return unwrap(await call(transport, method, args));
}

export function isUnknownMethod(error: unknown): boolean {
  return error instanceof CallError && error.code === 'unknown_method';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
