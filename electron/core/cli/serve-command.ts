import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { uploadsDir } from '../library/duplicate-files';
import { createQuireCore } from '../quire-core';
import { listenRefusal, startHttpServer, type RunningServer } from '../server/http-server';
import { publishServer, SERVER_FILE, type PublishedServer } from '../server/server-file';
import { userDirectory } from '../server/team-users';
import {
  coreOptionsFrom,
  followWriterMs,
  createOutput,
  defaultRendererDir,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';

export const SERVE_HELP = `quire serve [--data DIR] [--host ADDR] [--port N] [--tls-cert FILE --tls-key FILE | --insecure-http] [--hub URL] [--json]
  Serves the Quire interface and its HTTP API on 127.0.0.1 and prints the URL with its token.
  Any other --host (0.0.0.0 for every interface) is a team server: it needs TLS files, or
  --insecure-http behind a reverse proxy that speaks HTTPS. People get links from quire users add.`;

const SERVE_OPTIONS = {
  ...SHARED_OPTIONS,
  port: { type: 'string' },
  token: { type: 'string' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'insecure-http': { type: 'boolean', default: false },
} as const;

/** The certificate and key named by the flags, or why they cannot be used. */
function tlsFrom(values: { 'tls-cert'?: string; 'tls-key'?: string }) {
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if (cert === undefined && key === undefined) return { tls: undefined };
  if (cert === undefined || key === undefined)
    return { error: '--tls-cert and --tls-key go together: give both files (PEM).' };
  try {
    return { tls: { cert: fs.readFileSync(cert), key: fs.readFileSync(key) } };
  } catch (error) {
    return { error: `Could not read the TLS files: ${(error as Error).message}` };
  }
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: SERVE_OPTIONS,
    strict: true,
  });
  const out = createOutput(values.json);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    out.error(`--port must be a number between 0 and 65535, not "${values.port}".`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  const tls = tlsFrom(values);
  if ('error' in tls) {
    out.error(tls.error ?? '');
    return 2;
  }
  // Before anything opens: a refused address must not leave a half-started server.
  const refused = listenRefusal(host, { tls: tls.tls, insecureHttp: values['insecure-http'] });
  if (refused) {
    out.error(refused);
    return 2;
  }
  const core = await createQuireCore({
    ...coreOptionsFrom(values),
    dataDir: resolveDataDir(values.data),
    transport: 'http',
    // A home that reads a shared library shows what its writer adds.
    ...(values['read-only']
      ? { followWriterMs: followWriterMs(values.library, resolveDataDir(values.data)) }
      : {}),
  });
  const rendererDir = defaultRendererDir();
  if (!fs.existsSync(rendererDir))
    out.error(
      `Note: the interface is not built yet (${rendererDir}); run "npm run build". The API works.`,
    );
  const server = await startHttpServer({
    dispatch: core.dispatch,
    hub: core.hub,
    host,
    port,
    ...(tls.tls ? { tls: tls.tls } : {}),
    insecureHttp: values['insecure-http'],
    users: userDirectory(core.dataDir),
    rendererDir,
    uploadsDir: uploadsDir(core.libraryDir),
    token: values.token ?? process.env.QUIRE_TOKEN,
  });
  // So that `quire ask`, `index` and the like, run beside this one, become its clients.
  const published = announce(core.dataDir, server, out);
  out.line(`Quire is running at ${server.openUrl}`, {
    url: server.openUrl,
    api: server.url,
    token: server.token,
    dataDir: core.dataDir,
    library: core.libraryUri,
  });
  if (host !== '127.0.0.1' && !values.json)
    out.line('Give each person their own link with: quire users add NAME [--editor]');
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
    // Commands beside it reach it on loopback; `quire users add` prints links to its public URL.
    return publishServer(dataDir, {
      url: server.localUrl ?? server.url,
      token: server.token,
      publicUrl: server.url,
    });
  } catch (error) {
    out.error(
      `Note: could not write ${SERVER_FILE} in ${dataDir} (${String(error)}); commands such as ` +
        'quire ask cannot reach this server and are refused while it runs.',
    );
    return null;
  }
}
