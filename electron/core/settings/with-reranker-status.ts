import type { RerankerStatus, SettingsView } from '../../../shared/contract';
import type { Handlers } from '../rpc/dispatch';

type ViewMethod =
  'settings.get' | 'settings.update' | 'settings.setApiKey' | 'settings.clearApiKey';

/**
 * Adds the reranker's live status to every settings view, so that the settings screen can say
 * when reranking is switched on but cannot run (its model is missing or broken).
 */
export function withRerankerStatus<H extends Pick<Handlers, ViewMethod>>(
  handlers: H,
  status: () => RerankerStatus,
): H {
  const wrap =
    <A, C>(handler: (args: A, ctx: C) => SettingsView | Promise<SettingsView>) =>
    async (args: A, ctx: C): Promise<SettingsView> => ({
      ...(await handler(args, ctx)),
      reranker: status(),
    });
  return {
    ...handlers,
    'settings.get': wrap(handlers['settings.get']),
    'settings.update': wrap(handlers['settings.update']),
    'settings.setApiKey': wrap(handlers['settings.setApiKey']),
    'settings.clearApiKey': wrap(handlers['settings.clearApiKey']),
  };
}
