import { z } from 'zod';
import { method } from './define';

export const appMethods = {
  'app.info': method({
    summary: 'Name, version and data folder of the running Quire core.',
    args: z.object({}).strict(),
    result: z.object({
      name: z.literal('Quire'),
      version: z.string(),
      dataDir: z.string(),
      transport: z.enum(['ipc', 'http', 'memory']),
      /** True while no remote provider is active: nothing leaves the machine. */
      offline: z.boolean(),
    }),
  }),
};
