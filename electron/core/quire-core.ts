import fs from 'node:fs/promises';
import path from 'node:path';
import { createEventHandlers } from './events/event-handlers';
import { StreamHub } from './events/stream-hub';
import { consoleLogger, createDispatcher, type Handlers, type Logger } from './rpc/dispatch';
import { QUIRE_VERSION } from './version';

export type QuireCoreOptions = {
  dataDir: string;
  transport?: 'ipc' | 'http' | 'memory';
  logger?: Logger;
  hub?: StreamHub;
};

/**
 * The headless heart, assembled: the stream hub, every domain's handlers and the
 * dispatcher that all transports share. Runs under plain Node.
 */
export async function createQuireCore(options: QuireCoreOptions) {
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  const logger = options.logger ?? consoleLogger;
  const hub = options.hub ?? new StreamHub();

  const handlers = {
    'app.info': (_args, ctx) => ({
      name: 'Quire' as const,
      version: QUIRE_VERSION,
      dataDir,
      transport: ctx.transport,
      offline: true,
    }),
    ...createEventHandlers(hub),
  } satisfies Handlers;

  const dispatch = createDispatcher(handlers, logger);

  return {
    dataDir,
    hub,
    handlers,
    dispatch,
    logger,
    async close() {
      hub.dispose();
    },
  };
}

export type QuireCore = Awaited<ReturnType<typeof createQuireCore>>;
