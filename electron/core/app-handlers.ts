import { isRemoteProvider, type ProviderSettings } from '../../shared/settings';
import type { Handlers } from './rpc/dispatch';
import { QUIRE_VERSION } from './version';

/** `app.info`: what this Quire is, where its data lives, and whether it stays offline. */
export function createAppHandlers(
  dataDir: string,
  provider: () => ProviderSettings,
): Pick<Handlers, 'app.info'> {
  return {
    'app.info': (_args, ctx) => ({
      name: 'Quire' as const,
      version: QUIRE_VERSION,
      dataDir,
      transport: ctx.transport,
      offline: !isRemoteProvider(provider()),
    }),
  };
}
