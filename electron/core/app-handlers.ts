import { isRemoteProvider, type ProviderSettings } from '../../shared/settings';
import { principalOf, type Handlers } from './rpc/dispatch';
import { QUIRE_VERSION } from './version';

/**
 * `app.info`: what this Quire is, where its data lives, whether it stays offline, and who is
 * asking, so an interface shows only what that person may do.
 */
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
      principal: principalOf(ctx),
    }),
  };
}
