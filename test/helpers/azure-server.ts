// A real Azure Blob Storage API on loopback for tests: Azurite in a child process, its blobs in
// memory, behind a TCP relay that can cut the network. Azurite checks shared-key signatures and
// honours If-Match / If-None-Match, unlike s3rver.
//
// Azurite lives in test/servers/azurite with its own lock (its dependency tree is large);
// scripts/run-tests.mjs installs it. Run `npm ci --prefix test/servers/azurite` to use it alone.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import {
  parseLibraryLocation,
  type AzureLibraryLocation,
} from '../../electron/core/object-store/library-location';

// Azurite's one built-in account, published in its documentation.
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const AZURITE_IN_REPO = 'test/servers/azurite/node_modules/azurite/dist/src/blob/main.js';
// Beside this file in the sources; from the working folder when bundled (the benchmarks).
const AZURITE_MAIN =
  [
    fileURLToPath(new URL(`../../${AZURITE_IN_REPO}`, import.meta.url)),
    path.resolve(AZURITE_IN_REPO),
  ].find((candidate) => fs.existsSync(candidate)) ?? path.resolve(AZURITE_IN_REPO);

export type AzureServer = {
  /** The account's blob address, http://127.0.0.1:<port>/devstoreaccount1 (through the relay). */
  endpoint: string;
  /** The AZURE_STORAGE_* variables that point Quire (and LanceDB) at this server. */
  env: Record<string, string>;
  /**
   * Every request since start as the relay saw its request line (the path without the account),
   * in arrival order; clear it with `requests.length = 0`.
   */
  requests: { method: string; path: string; query: string }[];
  /** While false, every connection is cut, as when the network drops; the blobs stay. */
  setReachable(reachable: boolean): void;
  /** Reads `az://container/prefix` as Quire does, with this server's variables by default. */
  locate(uri: string, env?: NodeJS.ProcessEnv): AzureLibraryLocation;
  /** Creates a container, as a user would in the portal. */
  createContainer(name: string): Promise<void>;
  /** A SAS token (without its "?") for one container, with these permissions (like "racwdl"). */
  containerSas(container: string, permissions: string): Promise<string>;
  /** Puts a blob through the Blob API itself. */
  putBlob(container: string, key: string, body: Buffer | string): Promise<void>;
  close(): Promise<void>;
};

export function azuriteInstalled(): boolean {
  return fs.existsSync(AZURITE_MAIN);
}

export async function startAzureServer(
  options: { containers?: string[] } = {},
): Promise<AzureServer> {
  if (!azuriteInstalled())
    throw new Error(
      `Azurite is not installed at ${AZURITE_MAIN}: run npm ci --prefix test/servers/azurite ` +
        '(npm test does it).',
    );
  const child = spawn(
    process.execPath,
    [
      AZURITE_MAIN,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const azuritePort = await listeningPort(child);
  const relay = await startRelay(azuritePort);
  const requests = relay.requests;
  const endpoint = `http://127.0.0.1:${relay.port}/${AZURITE_ACCOUNT}`;
  const env = {
    AZURE_STORAGE_ACCOUNT_NAME: AZURITE_ACCOUNT,
    AZURE_STORAGE_ACCOUNT_KEY: AZURITE_KEY,
    AZURE_STORAGE_ENDPOINT: endpoint,
  };
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const container = (name: string) => new ContainerClient(`${endpoint}/${name}`, credential);
  const server: AzureServer = {
    endpoint,
    env,
    requests,
    setReachable: relay.setReachable,
    locate(uri, locateEnv = env) {
      const location = parseLibraryLocation(uri, locateEnv);
      if (location.kind !== 'azure') throw new Error('expected an az:// location');
      return location;
    },
    async createContainer(name) {
      await container(name).createIfNotExists();
    },
    async containerSas(name, permissions) {
      return generateBlobSASQueryParameters(
        {
          containerName: name,
          permissions: ContainerSASPermissions.parse(permissions),
          expiresOn: new Date(Date.now() + 3_600_000),
        },
        credential,
      ).toString();
    },
    async putBlob(name, key, body) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      await container(name).getBlockBlobClient(key).upload(bytes, bytes.length);
    },
    async close() {
      await relay.close();
      // Its blobs are in memory, so nothing is lost; a graceful stop waits on idle connections.
      child.kill('SIGKILL');
      await new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve(null)
          : child.once('exit', resolve),
      );
    },
  };
  for (const name of options.containers ?? []) await server.createContainer(name);
  return server;
}

/** Waits for Azurite's "listens on http://127.0.0.1:PORT" line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start in 20 s:\n${output}`)),
      20_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        child.stdout?.off('data', read);
        resolve(Number(port));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`Azurite exited (${code}):\n${output}`)));
  });
}

// An HTTP/1.1 request line at the start of a chunk or after a line end.
const REQUEST_LINE = /(?:^|\r\n)(GET|HEAD|PUT|POST|DELETE) \/[^/\s]*(\/\S*)? HTTP\/1\.1\r\n/g;

/** A TCP relay to `targetPort` whose connections can all be cut at once; it notes request lines. */
async function startRelay(targetPort: number) {
  const sockets = new Set<net.Socket>();
  const requests: { method: string; path: string; query: string }[] = [];
  let reachable = true;
  const server = net.createServer((inbound) => {
    if (!reachable) {
      inbound.destroy();
      return;
    }
    const outbound = net.connect(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on('data', (chunk: Buffer) => {
      for (const [, method, rest = '/'] of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
        const [where = '', query = ''] = rest.split('?');
        requests.push({ method: method!, path: decodeURIComponent(where), query });
      }
    });
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    setReachable(value: boolean) {
      reachable = value;
      if (!value) for (const socket of sockets) socket.destroy();
    },
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
