import { z } from 'zod';
import { ROLES } from './access';
import { method } from './define';

export const appMethods = {
  'app.info': method({
    summary:
      'Name, version and data folder of the running Quire core, and who is calling (name and role).',
    args: z.object({}).strict(),
    result: z.object({
      name: z.literal('Quire'),
      version: z.string(),
      dataDir: z.string(),
      transport: z.enum(['ipc', 'http', 'memory']),
      /** True while no remote provider is active: nothing leaves the machine. */
      offline: z.boolean(),
      /**
       * The caller: a team server's person (viewer or editor), or the owner (the desktop app,
       * the server's own token). The interface shows only what this role may call.
       */
      principal: z.object({ name: z.string(), role: z.enum(ROLES) }),
    }),
  }),
};
