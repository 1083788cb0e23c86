import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { uploadsDir } from '../library/duplicate-files';
import { createQuireCore } from '../quire-core';
import { startHttpServer, type RunningServer } from '../server/http-server';
import { publishServer, SERVER_FILE, type PublishedServer } from '../server/server-file';
import {
  coreOptionsFrom,
  createOutput,
  defaultRendererDir,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';

export const SERVE_HELP = `quire serve [--data DIR] [--port N] [--hub URL] [--json]
  Serves the Quire interface and its HTTP API on 127.0.0.1 and prints the URL with its token.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...SHARED_OPTIONS, port: { type: 'string' }, token: { type: 'string' } },
    strict: true,
  });
  const out = createOutput(values.json);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    out.error(`--port must be a number between 0 and 65535, not "${values.port}".`);
    return 2;
  }
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    transport: 'http',
  });
  const rendererDir = defaultRendererDir();
  if (!fs.existsSync(rendererDir))
    out.error(
      `Note: the interface is not built yet (${rendererDir}); run "npm run build". The API works.`,
    );
  const server = await startHttpServer({
    dispatch: core.dispatch,
    hub: core.hub,
    port,
    rendererDir,
    uploadsDir: uploadsDir(core.dataDir),
    token: values.token ?? process.env.QUIRE_TOKEN,
  });
  // So that `quire ask`, `index` and the like, run beside this one, become its clients.
  const published = announce(core.dataDir, server, out);
  out.line(`Quire is running at ${server.openUrl}`, {
    url: server.openUrl,
    api: server.url,
    token: server.token,
    dataDir: core.dataDir,
  });
  if (values.json) core.hub.onAnyEvent((event) => out.line('', { event }));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  published?.remove();
  await server.close();
  await core.close();
  return 0;
}

function announce(dataDir: string, server: RunningServer, out: CliOutput): PublishedServer | null {
  try {
    return publishServer(dataDir, server);
  } catch (error) {
    out.error(
      `Note: could not write ${SERVER_FILE} in ${dataDir} (${String(error)}); commands such as ` +
        'quire ask cannot reach this server and are refused while it runs.',
    );
    return null;
  }
}
