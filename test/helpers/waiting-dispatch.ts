// A dispatcher whose one handler runs until its caller gives up: the cancellation tests' probe.
import {
  createDispatcher,
  type HandlerContext,
  type Handlers,
} from '../../electron/core/rpc/dispatch';

/** A handler that runs until its caller gives up, and records that it was told. */
export function waitingDispatch() {
  const seen = { started: false, aborted: false };
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const handlers = {
    'library.list': (_args: unknown, ctx: HandlerContext) =>
      new Promise((resolve) => {
        seen.started = true;
        started();
        ctx.signal?.addEventListener('abort', () => {
          seen.aborted = true;
          resolve([]);
        });
      }),
  } as unknown as Handlers;
  return { dispatch: createDispatcher(handlers), seen, running };
}
