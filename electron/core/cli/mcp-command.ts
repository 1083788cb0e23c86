import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createQuireMcpServer } from '../mcp/mcp-server';
import { createQuireCore } from '../quire-core';
import { openSettingsStore } from '../settings/settings-store';
import { coreOptionsFrom, followWriterMs, resolveDataDir, SHARED_OPTIONS } from './cli-context';

export const MCP_HELP = `quire mcp [--data DIR] [--model-dir DIR] [--embedding-model ID] [--embedding-dtype auto|fp32|q8]
  Serves the library to other apps over the Model Context Protocol (stdio): tools search, ask,
  list_documents and list_collections, and each document as a quire://document/<id> resource.
  Read-only, unless Settings → Other apps (MCP) allows indexing (then also index_paths). Beside
  the app, what it indexes shows up, and clients hear that the resource list changed.`;

/** How often a read-only `quire mcp` looks at the journals for what the app changed. */

/**
 * Stdout carries the protocol and nothing else: the transport gets the real stdout, and
 * every other write (console.log in a library, a stray print) is sent to stderr.
 */
function takeStdoutForProtocol(): Writable {
  const write = process.stdout.write.bind(process.stdout);
  const protocol = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk, (error) => callback(error ?? null));
    },
  });
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  return protocol;
}

export async function mcpCommand(argv: string[]): Promise<number> {
  const protocolOut = takeStdoutForProtocol();
  const { values } = parseArgs({ args: argv, options: SHARED_OPTIONS, strict: true });
  const dataDir = resolveDataDir(values.data);
  const logger = {
    error: (message: string, error?: unknown) =>
      process.stderr.write(`[quire mcp] ${message}${error ? ` ${String(error)}` : ''}\n`),
    warn: (message: string) => process.stderr.write(`[quire mcp] ${message}\n`),
  };
  // Read before the core opens, which only then resumes the queue if indexing is allowed.
  const allowIndexing = openSettingsStore({ dataDir: path.resolve(dataDir) }).get().mcp
    .allowIndexing;
  // Other apps' questions are theirs: they never appear among the user's conversations.
  const conversationsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quire-mcp-'));
  try {
    const core = await createQuireCore({
      ...coreOptionsFrom(values),
      dataDir,
      logger,
      readOnly: values['read-only'] || !allowIndexing,
      // Beside the app, what it indexes shows up here (and clients hear the list changed).
      followWriterMs: followWriterMs(values.library, path.resolve(dataDir)),
      conversationsDir,
    });
    const server = createQuireMcpServer(core, { allowIndexing });
    const closed = new Promise<void>((resolve) => {
      const onclose = server.server.onclose;
      server.server.onclose = () => {
        onclose?.();
        resolve();
      };
      process.stdin.once('end', resolve);
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    try {
      await server.connect(new StdioServerTransport(process.stdin, protocolOut));
      logger.warn(
        `serving ${dataDir} (${allowIndexing ? 'indexing allowed' : 'read-only'}); stop with Ctrl+C`,
      );
      await closed;
    } finally {
      await server.close().catch(() => undefined);
      await core.close();
    }
  } finally {
    await fs.rm(conversationsDir, { recursive: true, force: true });
  }
  return 0;
}
