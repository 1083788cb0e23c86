import {
  contract,
  isMethodName,
  type MethodName,
  type MethodResult,
  type ParsedArgs,
} from '../../../shared/contract';
import { OWNER, refusal, type Principal } from '../../../shared/contract/access';
import { QuireError, toErrorShape } from '../../../shared/errors';
import type { StreamEvent } from '../../../shared/events';
import { err, ok, type Result } from '../../../shared/result';

/** A client connection that can receive pushed events (an IPC frame, an in-memory peer). */
export type Connection = {
  id: string;
  deliver: (event: StreamEvent) => void;
  /** Live subscriptions by stream id, so closing the connection drops them all. */
  subscriptions: Map<string, () => void>;
};

/** Drops every subscription a closing connection (a window, an SSE client) still holds. */
export function closeConnection(connection: Pick<Connection, 'subscriptions'>): void {
  for (const unsubscribe of connection.subscriptions.values()) unsubscribe();
  connection.subscriptions.clear();
}

export type HandlerContext = {
  transport: 'ipc' | 'http' | 'memory';
  /** Null for request/response transports (HTTP POST), which get events over SSE instead. */
  connection: Connection | null;
  /**
   * Aborted when the caller gives up (its AbortSignal, a closed HTTP request, a cancelled IPC
   * call), as VS Code's cancellation tokens reach its handlers. Long handlers stop early.
   */
  signal?: AbortSignal;
  /** Who is calling; absent means the owner (the desktop app, IPC, in-process callers). */
  principal?: Principal;
};

/** The caller of a handler: a team server's user, or else the owner. */
export function principalOf(ctx: Pick<HandlerContext, 'principal'>): Principal {
  return ctx.principal ?? OWNER;
}

const CANCELLED = { code: 'cancelled', message: 'The request was cancelled.' } as const;

export type Handler<M extends MethodName> = (
  args: ParsedArgs<M>,
  ctx: HandlerContext,
) => MethodResult<M> | Promise<MethodResult<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export type Logger = {
  error: (message: string, error?: unknown) => void;
  warn: (message: string) => void;
};

export const consoleLogger: Logger = {
  error: (message, error) => console.error(`[quire] ${message}`, error ?? ''),
  warn: (message) => console.warn(`[quire] ${message}`),
};

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * The single entry point of every transport: validates arguments with the contract,
 * runs the handler, and turns every outcome into a Result. Invalid input never
 * reaches a handler.
 */
export function createDispatcher(handlers: Handlers, logger: Logger = consoleLogger) {
  return async function dispatch(
    method: string,
    rawArgs: unknown,
    ctx: HandlerContext,
  ): Promise<Result<unknown>> {
    if (!isMethodName(method)) {
      return err({ code: 'unknown_method', message: `There is no method called "${method}".` });
    }
    const refused = refusal(method, principalOf(ctx));
    if (refused) return err({ code: 'forbidden', message: refused });
    const spec = contract[method];
    const parsed = spec.args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      return err({
        code: 'invalid_argument',
        message: `Invalid arguments for ${method}: ${describeIssues(parsed.error.issues)}`,
      });
    }
    if (ctx.signal?.aborted) return err(CANCELLED);
    try {
      const handler = handlers[method] as (args: unknown, ctx: HandlerContext) => unknown;
      const value = await handler(parsed.data, ctx);
      // A caller that gave up gets no answer: the handler's work was for nothing.
      if (ctx.signal?.aborted) return err(CANCELLED);
      const checked = spec.result.safeParse(value);
      if (!checked.success) {
        logger.error(
          `${method} returned a value outside the contract: ${describeIssues(checked.error.issues)}`,
        );
        throw new QuireError('internal', 'Quire produced an invalid response.');
      }
      return ok(checked.data);
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === 'internal') logger.error(`${method} failed`, error);
      return err(shape);
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
